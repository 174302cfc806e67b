using Microsoft.AspNetCore.Http.HttpResults;

namespace Sentinel.TelemetryIngest.Stats;

/// Latency of up checks, in milliseconds.
public sealed record LatencyStats(double MinMs, double AvgMs, double MaxMs, double P50Ms, double P95Ms, double P99Ms);

public sealed record StatsBucket(
    DateTimeOffset Start, DateTimeOffset End, long Checks, long UpChecks, double? UptimePercent,
    double DowntimeSeconds, double? AvgLatencyMs, double? P95LatencyMs);

/// PercentilesExact: true when the window was read from raw results only (windows up to 24h); otherwise the
/// percentiles come from merged latency histograms and are within 1 % of the true values.
/// Location: the filter asked for (null: all locations; unknown results never count).
public sealed record MonitorStats(
    Guid MonitorId, string Window, DateTimeOffset From, DateTimeOffset To, long Checks, long UpChecks,
    double? UptimePercent, double DowntimeSeconds, LatencyStats? Latency, bool PercentilesExact, string? Series,
    IReadOnlyList<StatsBucket>? Buckets)
{
    public string? Location { get; init; }
}

/// Uptime, downtime and latency of one monitor over a window ending now, for the Gateway. Internal: the Gateway
/// has checked that the monitor belongs to the tenant; the tenant filter keeps one tenant's ids from another's data.
public static class GetStats
{
    public static IEndpointRouteBuilder MapGetStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}/stats", Handle);
        return app;
    }

    static async Task<Results<Ok<MonitorStats>, ValidationProblem>> Handle(
        Guid tenantId, Guid monitorId, string? window, string? series, string? location, StatsReader reader, CancellationToken ct)
    {
        if (StatsRequest.Parse(window, series, location, out var errors) is not { } request)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await reader.ReadAsync(tenantId, monitorId, request, ct));
    }
}
