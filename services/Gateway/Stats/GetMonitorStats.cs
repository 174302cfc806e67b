using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Stats;

public static class GetMonitorStats
{
    static readonly string[] Windows = ["1h", "24h", "7d", "30d", "90d", "365d"];
    static readonly string[] WideWindows = ["90d", "365d"];

    public static void MapGetMonitorStats(this RouteGroupBuilder api) => api.MapGet("/monitors/{id:guid}/stats", Handle);

    static async Task<Results<Ok<MonitorStatsView>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, string? window, string? series, string? location, ITelemetryStatsApi telemetry, CatalogDb db, TenantContext tenant,
        CancellationToken ct)
    {
        // Checked here as well as in Telemetry-Ingest so a bad request never costs a call, and the caller gets the
        // Gateway's problem type.
        var errors = new Dictionary<string, string[]>();
        if (window is not null && !Windows.Contains(window))
            errors["window"] = [$"Window must be one of {string.Join(", ", Windows)}."];
        if (series is not null && series is not ("1h" or "1d"))
            errors["series"] = ["Series must be 1h or 1d."];
        else if (series == "1h" && window is not null && WideWindows.Contains(window))
            errors["series"] = ["Hourly series are available for windows up to 30d; use series=1d."];
        if (location is { Length: > 100 })
            errors["location"] = ["Location must be at most 100 characters."];
        if (errors.Count > 0)
            return Problems.Validation(errors);
        if (!await db.Monitors.AnyAsync(m => m.Id == id && m.TenantId == tenant.Id, ct))
            return Problems.NotFound("monitor", id);

        return TypedResults.Ok(await telemetry.GetStatsAt(tenant.Id, id, window ?? "24h", series,
            string.IsNullOrWhiteSpace(location) ? null : location, ct));
    }
}
