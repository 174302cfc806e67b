using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sentinel.EndToEnd.Tests;

/// A real HTTP target the Checker probes (/target/{name}, healthy or failing on demand) and a real webhook receiver
/// that records what Delivery posts (/webhook/{name}), both on 127.0.0.1.
public sealed class LoopbackServer : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentDictionary<string, int> failing = new();
    readonly ConcurrentDictionary<string, int> hits = new();
    readonly ConcurrentDictionary<string, string[]> failingAt = new();
    readonly ConcurrentDictionary<string, ConcurrentQueue<JsonElement>> received = new();

    LoopbackServer(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<LoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new LoopbackServer(builder.Build());
        server.app.MapMethods("/target/{name}", ["GET", "HEAD"], (string name, HttpRequest request) =>
        {
            server.hits.AddOrUpdate(name, 1, (_, n) => n + 1);
            // A Checker with a location says so in its User-Agent: a target can fail for some locations only.
            var location = LocationOf(request.Headers.UserAgent.ToString());
            if (location is not null && server.failingAt.TryGetValue(name, out var at) && at.Contains(location))
                return Results.StatusCode(503);
            return server.failing.TryGetValue(name, out var status) ? Results.StatusCode(status) : Results.Text("ok");
        });
        server.app.MapPost("/webhook/{name}", async (string name, HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            server.received.GetOrAdd(name, _ => new()).Enqueue(body);
            return Results.Ok();
        });
        await server.app.StartAsync();
        server.BaseUrl = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public string TargetUrl(string name) => $"{BaseUrl}/target/{name}";
    public string WebhookUrl(string name) => $"{BaseUrl}/webhook/{name}";

    public void Fail(string name, int status = 503) => failing[name] = status;
    public void Recover(string name) => failing.TryRemove(name, out _);

    /// The target answers 503 to checks from these locations only (others get 200).
    public void FailAt(string name, params string[] locations) => failingAt[name] = locations;

    static string? LocationOf(string userAgent)
    {
        var at = userAgent.IndexOf("location ", StringComparison.Ordinal);
        return at < 0 ? null : userAgent[(at + "location ".Length)..].TrimEnd(')');
    }
    public int Hits(string name) => hits.TryGetValue(name, out var n) ? n : 0;

    public IReadOnlyList<JsonElement> Received(string name, string @event) =>
        received.TryGetValue(name, out var all)
            ? all.Where(b => b.TryGetProperty("event", out var e) && e.GetString() == @event).ToList()
            : [];

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
