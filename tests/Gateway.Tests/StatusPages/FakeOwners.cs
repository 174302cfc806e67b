using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sentinel.Testing;

namespace Sentinel.Gateway.Tests.StatusPages;

/// Stands in for the internal APIs of Telemetry-Ingest (stats with daily buckets) and Alert-Evaluation (open and
/// acknowledged incidents) on a loopback port, serving known numbers. `Hang` makes every answer wait a minute, as
/// an overloaded owner would.
public sealed class FakeOwners : IAsyncDisposable
{
    LoopbackApp app = null!;

    public string Url => app.Url;
    public bool Hang { get; set; }
    public ConcurrentQueue<string> Requests { get; } = new();
    /// Day offset (0 = today, 1 = yesterday) → uptime percent; every other day with data is 100%.
    public ConcurrentDictionary<int, double> BadDays { get; } = new();
    /// Days before today without any data (the monitor is younger than the page's history).
    public int DaysWithData { get; set; } = 200;
    public double UptimePercent { get; set; } = 99.95;
    public double? AverageLatencyMs { get; set; } = 123.4;
    public ConcurrentBag<object> OpenIncidents { get; } = [];

    public static async Task<FakeOwners> StartAsync()
    {
        var fake = new FakeOwners();
        fake.app = await LoopbackApp.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                fake.Requests.Enqueue(context.Request.Path + context.Request.QueryString);
                if (fake.Hang)
                    await Task.Delay(TimeSpan.FromMinutes(1), context.RequestAborted);
                await next(context);
            });
            app.MapGet("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}/stats",
                (Guid monitorId, string? window, string? series) => Results.Json(fake.Stats(monitorId, window ?? "24h", series)));
            app.MapGet("/internal/tenants/{tenantId:guid}/incidents", (string? status) => Results.Json(new
            {
                items = status == "open" ? fake.OpenIncidents.ToArray() : [],
                nextCursor = (string?)null,
            }));
        });
        return fake;
    }

    object Stats(Guid monitorId, string window, string? series)
    {
        var now = DateTimeOffset.UtcNow;
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var buckets = series == "1d"
            ? Enumerable.Range(0, 91).Select(i => 90 - i).Where(ago => ago < DaysWithData).Select(ago =>
            {
                var uptime = BadDays.TryGetValue(ago, out var bad) ? bad : 100.0;
                return new
                {
                    start = today.AddDays(-ago), end = ago == 0 ? now : today.AddDays(1 - ago), checks = 1440L,
                    upChecks = (long)Math.Round(14.4 * uptime), uptimePercent = (double?)uptime,
                    downtimeSeconds = (100 - uptime) * 864, avgLatencyMs = (double?)20.0, p95LatencyMs = (double?)40.0,
                };
            }).ToArray()
            : null;
        return new
        {
            monitorId, window, from = now.AddDays(-1), to = now, checks = 1440, upChecks = 1439,
            uptimePercent = (double?)UptimePercent, downtimeSeconds = 60.0,
            latency = AverageLatencyMs is { } avg
                ? new { minMs = 1.0, avgMs = avg, maxMs = 900.0, p50Ms = 100.0, p95Ms = 300.0, p99Ms = 600.0 }
                : null,
            percentilesExact = false, series, buckets,
        };
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
