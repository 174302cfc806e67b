namespace Sentinel.Contracts;

// Catalog events of the alerting configuration (escalation policies, alert rules, maintenance windows), published by
// the Gateway through its outbox. As with monitors, Version grows with every change and a consumer ignores an event
// whose Version it has already applied; a Deleted event carries the next version.

/// One level of an escalation policy: reached after AfterConsecutiveFailures failures in a row or AfterMinutes
/// minutes without acknowledgement (exactly one of the two is set), then ChannelIds are notified once per incident.
public sealed record EscalationLevelSpec(int? AfterConsecutiveFailures, int? AfterMinutes, IReadOnlyList<Guid> ChannelIds);

public sealed record EscalationPolicyUpserted(
    Guid PolicyId,
    Guid TenantId,
    long Version,
    string Name,
    IReadOnlyList<EscalationLevelSpec> Levels,
    DateTimeOffset OccurredAt);

public sealed record EscalationPolicyDeleted(Guid PolicyId, Guid TenantId, long Version, DateTimeOffset OccurredAt);

/// "Alert me if X is down N times": over the monitors named or carrying one of the tags, fires once when the
/// consecutive failure count reaches ConsecutiveFailures, and again only after the monitor has recovered, at most
/// MaxAlertsPerHour times an hour.
public sealed record AlertRuleUpserted(
    Guid RuleId,
    Guid TenantId,
    long Version,
    string Name,
    IReadOnlyList<Guid> MonitorIds,
    IReadOnlyList<string> Tags,
    int ConsecutiveFailures,
    IReadOnlyList<Guid> ChannelIds,
    int MaxAlertsPerHour,
    DateTimeOffset OccurredAt);

public sealed record AlertRuleDeleted(Guid RuleId, Guid TenantId, long Version, DateTimeOffset OccurredAt);

/// A planned silence over the monitors named or carrying one of the tags: one-off (StartsAt..EndsAt) or recurring
/// (Cron in TimeZone, each occurrence lasting DurationSeconds).
public sealed record MaintenanceWindowUpserted(
    Guid WindowId,
    Guid TenantId,
    long Version,
    string Name,
    IReadOnlyList<Guid> MonitorIds,
    IReadOnlyList<string> Tags,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? Cron,
    int? DurationSeconds,
    string? TimeZone,
    DateTimeOffset OccurredAt);

public sealed record MaintenanceWindowDeleted(Guid WindowId, Guid TenantId, long Version, DateTimeOffset OccurredAt);

/// Published by Alert-Evaluation when someone acknowledged an incident: escalation and reminders stop.
public sealed record IncidentAcknowledged(
    Guid IncidentId,
    Guid MonitorId,
    Guid TenantId,
    Guid? AcknowledgedByKeyId,
    string? AcknowledgedBy,
    DateTimeOffset AcknowledgedAt);

/// Published by Alert-Evaluation once per escalation level an incident reaches (Level is 1-based), in the same
/// transaction as the level's notifications, so a level is never announced twice or lost.
public sealed record IncidentEscalated(
    Guid IncidentId,
    Guid MonitorId,
    Guid TenantId,
    int Level,
    IReadOnlyList<Guid> ChannelIds,
    DateTimeOffset EscalatedAt);
