using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sentinel.AlertEvaluation.Tests.Slos;

/// Stands in for Telemetry-Ingest's SLO endpoint (an edge Alert-Evaluation does not own) on a loopback port: one check
/// a minute, on the minute, and the minutes listed in BadMinutes are down. Burn rates are computed from that timeline
/// at the time the clock gives, as the real endpoint computes them from stored results.
public sealed class FakeTelemetrySlos : IAsyncDisposable
{
    readonly WebApplication app;

    FakeTelemetrySlos(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public string Url { get; }
    public ConcurrentBag<DateTimeOffset> BadMinutes { get; } = [];
    public ConcurrentQueue<(Guid TenantId, Guid[] MonitorIds)> Requests { get; } = new();
    public volatile bool Failing;

    public static async Task<FakeTelemetrySlos> StartAsync(Func<DateTimeOffset> clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeTelemetrySlos? fake = null;

        app.MapPost("/internal/tenants/{tenantId:guid}/slo-figures", (Guid tenantId, JsonElement body) =>
        {
            if (fake!.Failing)
                return Results.StatusCode(503);
            fake.Requests.Enqueue((tenantId, body.GetProperty("monitorIds").EnumerateArray().Select(e => e.GetGuid()).ToArray()));
            var allowed = 1 - body.GetProperty("objectivePercent").GetDouble() / 100;
            var now = clock();
            var bad = fake.BadMinutes.ToArray();
            var rates = body.GetProperty("burnWindowsSeconds").EnumerateArray().Select(w =>
            {
                var seconds = w.GetInt32();
                var from = now.AddSeconds(-seconds);
                var checks = seconds / 60;
                var down = bad.Count(m => m >= from && m < now);
                return new { windowSeconds = seconds, checks, badChecks = down, burnRate = (double)down / checks / allowed };
            }).ToList();
            return Results.Json(new { burnRates = rates });
        });

        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeTelemetrySlos(app, url);
        return fake;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
