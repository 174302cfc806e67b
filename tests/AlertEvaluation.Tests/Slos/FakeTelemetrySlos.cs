using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sentinel.Testing;

namespace Sentinel.AlertEvaluation.Tests.Slos;

/// Stands in for Telemetry-Ingest's SLO endpoint (an edge Alert-Evaluation does not own) on a loopback port: one check
/// a minute, on the minute, and the minutes listed in BadMinutes are down. Burn rates are computed from that timeline
/// at the time the clock gives, as the real endpoint computes them from stored results.
public sealed class FakeTelemetrySlos : IAsyncDisposable
{
    LoopbackApp app = null!;

    public string Url => app.Url;
    public ConcurrentBag<DateTimeOffset> BadMinutes { get; } = [];
    public ConcurrentQueue<(Guid TenantId, Guid[] MonitorIds)> Requests { get; } = new();
    public volatile bool Failing;

    public static async Task<FakeTelemetrySlos> StartAsync(Func<DateTimeOffset> clock)
    {
        var fake = new FakeTelemetrySlos();
        fake.app = await LoopbackApp.StartAsync(app =>
        {
            app.MapPost("/internal/tenants/{tenantId:guid}/slo-figures", (Guid tenantId, JsonElement body) =>
            {
                if (fake.Failing)
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
        });
        return fake;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
