using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sentinel.Testing;

namespace Sentinel.Gateway.Tests.Stats;

/// Stands in for Telemetry-Ingest's internal stats endpoint (an edge the Gateway does not own) on a loopback port,
/// keeping the paths and query strings it was asked with.
public sealed class FakeTelemetryStats : IAsyncDisposable
{
    LoopbackApp app = null!;

    public string Url => app.Url;
    public List<string> Requests { get; } = [];

    public static async Task<FakeTelemetryStats> StartAsync()
    {
        var fake = new FakeTelemetryStats();
        fake.app = await LoopbackApp.StartAsync(app =>
        {
            app.MapGet("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}/stats",
                (Guid tenantId, Guid monitorId, string? window, string? series, HttpRequest request) =>
                {
                    fake.Requests.Add(request.Path + request.QueryString);
                    return Results.Json(new
                    {
                        monitorId, window, from = "2026-01-01T00:00:00+00:00", to = "2026-01-08T00:00:00+00:00",
                        checks = 10080, upChecks = 10075, uptimePercent = 99.95, downtimeSeconds = 300.5,
                        latency = new { minMs = 1.5, avgMs = 20.25, maxMs = 900.0, p50Ms = 18.0, p95Ms = 45.0, p99Ms = 120.0 },
                        percentilesExact = false, series,
                        buckets = new[]
                        {
                            new
                            {
                                start = "2026-01-01T00:00:00+00:00", end = "2026-01-02T00:00:00+00:00", checks = 1440,
                                upChecks = 1435, uptimePercent = 99.65, downtimeSeconds = 300.5, avgLatencyMs = 20.0,
                                p95LatencyMs = 44.0,
                            },
                        },
                    });
                });
        });
        return fake;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
