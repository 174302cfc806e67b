using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Tests.Monitors;

/// Stands in for the Checker's internal API on a loopback port (another service, so an edge of the Gateway): it
/// keeps the due checks it was sent and answers each with a result whose conditions echo the monitor's.
public sealed class FakeChecker : IAsyncDisposable
{
    readonly WebApplication app;

    FakeChecker(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public string Url { get; }
    public ConcurrentQueue<DueCheck> Received { get; } = new();

    public static async Task<FakeChecker> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeChecker? fake = null;
        app.MapPost("/internal/checks", async (HttpRequest request) =>
        {
            var check = (await JsonSerializer.DeserializeAsync<DueCheck>(request.Body, JsonSerializerOptions.Web))!;
            fake!.Received.Enqueue(check);
            var conditions = (check.Check?.Conditions ?? []).Select(c => new ConditionResult(c, false, "503")).ToList();
            return Results.Json(new MonitorChecked(
                check.CheckId, check.MonitorId, check.TenantId, false, 503, 12.5, "HTTP 503 is not in 200-299", check.DueAt,
                check.DueAt.AddMilliseconds(13), conditions, "checked by the fake"), JsonSerializerOptions.Web);
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeChecker(app, url);
        return fake;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
