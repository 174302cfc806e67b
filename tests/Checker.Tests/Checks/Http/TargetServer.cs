using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sentinel.Checker.Tests.Checks.Http;

/// A real HTTP server on a loopback port of its own: the thing being monitored.
public sealed class TargetServer : IAsyncDisposable
{
    readonly WebApplication app;

    TargetServer(WebApplication app, Uri address, ConcurrentQueue<SeenRequest> seen)
    {
        this.app = app;
        Address = address;
        Seen = seen;
    }

    public Uri Address { get; }
    public ConcurrentQueue<SeenRequest> Seen { get; }

    public Uri Url(string path) => new(Address, path);

    /// With a certificate the server speaks HTTPS only.
    public static async Task<TargetServer> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateBuilder();
        if (certificate is null)
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        else
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        builder.Logging.ClearProviders();
        var app = builder.Build();

        app.MapGet("/json", (HttpResponse response) =>
        {
            response.Headers["X-Version"] = "1.2.3";
            return Results.Text("""{"status":"UP","checks":[{"name":"db","ok":true},{"name":"cache","ok":false}]}""", "application/json");
        });
        app.MapGet("/text", () => Results.Text("hello sentinel world"));
        app.MapGet("/big", () => Results.Text(new string('x', 100_000)));
        app.MapGet("/auth", (HttpRequest request) => Results.Text(request.Headers.Authorization.ToString()));

        app.MapGet("/ok", () => Results.Ok("fine"));
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapGet("/slow", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return Results.Ok();
        });
        app.MapGet("/redirect", () => Results.Redirect("/ok"));
        var seen = new ConcurrentQueue<SeenRequest>();
        app.Map("/echo", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            seen.Enqueue(new SeenRequest(
                request.Method, request.Headers["X-Probe"].ToString(), request.ContentType, await reader.ReadToEndAsync()));
            return Results.Ok();
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        return new TargetServer(app, new Uri(address), seen);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    public sealed record SeenRequest(string Method, string Probe, string? ContentType, string Body);
}
