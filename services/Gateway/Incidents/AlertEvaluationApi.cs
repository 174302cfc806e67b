using Refit;
using Sentinel.Gateway.Api;

namespace Sentinel.Gateway.Incidents;

/// One line of an incident's timeline: opened, each notification (level, reminder, recovery), suppressions with
/// their reason, acknowledgement (by which key), resolution.
public sealed record TimelineEntry(
    DateTimeOffset At, string Kind, string? Event, Guid? ChannelId, int? EscalationLevel, Guid? RuleId, string? Detail);

public sealed record IncidentView(
    Guid Id,
    Guid MonitorId,
    string MonitorName,
    string Status,
    string? Error,
    DateTimeOffset FirstFailureAt,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    long? DurationSeconds,
    DateTimeOffset? AcknowledgedAt = null,
    Guid? AcknowledgedByKeyId = null,
    string? AcknowledgedBy = null,
    bool InMaintenance = false,
    string? HeldReason = null,
    IReadOnlyList<int>? NotifiedLevels = null,
    IReadOnlyList<string>? AffectedMonitors = null,
    IReadOnlyList<TimelineEntry>? Timeline = null);

public sealed record AcknowledgeIncidentRequest(Guid? ApiKeyId, string? AcknowledgedBy);

/// A line of the alert history: every alert sent or suppressed (with the reason), and the incident milestones.
public sealed record AlertHistoryView(
    Guid Id, Guid MonitorId, Guid? IncidentId, DateTimeOffset At, string Kind, string? Event, Guid? ChannelId,
    Guid? NotificationId, int? EscalationLevel, Guid? RuleId, string? Detail);

/// Alert-Evaluation's internal API: it owns incidents, the Gateway only passes them through.
public interface IAlertEvaluationApi
{
    [Get("/internal/tenants/{tenantId}/incidents")]
    Task<Page<IncidentView>> ListIncidents(
        Guid tenantId, Guid? monitorId, string? status, int? limit, string? cursor, CancellationToken ct);

    [Get("/internal/tenants/{tenantId}/incidents/{id}")]
    Task<IncidentView> GetIncident(Guid tenantId, Guid id, CancellationToken ct);

    [Post("/internal/tenants/{tenantId}/incidents/{id}/acknowledge")]
    Task<IncidentView> AcknowledgeIncident(Guid tenantId, Guid id, [Body] AcknowledgeIncidentRequest request, CancellationToken ct);

    [Get("/internal/tenants/{tenantId}/alerts")]
    Task<Page<AlertHistoryView>> ListAlertHistory(
        Guid tenantId, Guid? monitorId, Guid? incidentId, string? kind, int? limit, string? cursor, CancellationToken ct);
}
