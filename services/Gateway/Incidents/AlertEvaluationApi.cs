using Refit;
using Sentinel.Gateway.Api;

namespace Sentinel.Gateway.Incidents;

public sealed record IncidentView(
    Guid Id,
    Guid MonitorId,
    string MonitorName,
    string Status,
    string? Error,
    DateTimeOffset FirstFailureAt,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    long? DurationSeconds);

/// Alert-Evaluation's internal API: it owns incidents, the Gateway only passes them through.
public interface IAlertEvaluationApi
{
    [Get("/internal/tenants/{tenantId}/incidents")]
    Task<Page<IncidentView>> ListIncidents(
        Guid tenantId, Guid? monitorId, string? status, int? limit, string? cursor, CancellationToken ct);

    [Get("/internal/tenants/{tenantId}/incidents/{id}")]
    Task<IncidentView> GetIncident(Guid tenantId, Guid id, CancellationToken ct);
}
