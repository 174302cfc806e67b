using Refit;
using Sentinel.Gateway.Api;

namespace Sentinel.Gateway.CheckResults;

/// Location: where the check ran (null without one); Unknown: the Checker could not judge, never counted in stats.
public sealed record CheckResultView(
    Guid CheckId, bool Up, int? StatusCode, double LatencyMs, string? Error, DateTimeOffset DueAt, DateTimeOffset CheckedAt,
    string? Location = null, bool Unknown = false);

/// Telemetry-Ingest's internal API: raw check results stay there.
public interface ITelemetryApi
{
    /// from/to travel as ISO-8601 strings: Refit would format a DateTimeOffset by the current culture.
    [Get("/internal/tenants/{tenantId}/monitors/{monitorId}/results")]
    Task<Page<CheckResultView>> ListResults(
        Guid tenantId, Guid monitorId, string? from, string? to, int? limit, string? cursor, CancellationToken ct);
}
