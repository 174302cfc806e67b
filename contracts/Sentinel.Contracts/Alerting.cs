namespace Sentinel.Contracts;

public static class MonitorStatuses
{
    public const string New = "new";
    public const string Up = "up";
    public const string Down = "down";
    public const string Paused = "paused";
}

public static class NotificationEvents
{
    public const string Down = "down";
    public const string Up = "up";
    /// Still down: sent every `resendEverySeconds` while the incident is open and unacknowledged.
    public const string Reminder = "reminder";
    /// An escalation level was reached: SendNotification.EscalationLevel says which (1-based).
    public const string Escalation = "escalation";
    /// Operational: every Checker of a location is failing its canaries or silent; MonitorName names the location
    /// ("location eu-west") and MonitorId is empty. Sent once per outage of the location (see docs/architecture.md).
    public const string LocationUnknown = "location-unknown";
    /// Operational: the location's Checkers are healthy again; sent once, to the channels that heard LocationUnknown.
    public const string LocationRecovered = "location-recovered";
}

/// Published by Alert-Evaluation when a monitor's status flips. ChangedAt orders them.
public sealed record MonitorStatusChanged(
    Guid MonitorId,
    Guid TenantId,
    string Status,
    string PreviousStatus,
    Guid? IncidentId,
    string? Error,
    DateTimeOffset ChangedAt);

public sealed record IncidentOpened(
    Guid IncidentId,
    Guid MonitorId,
    Guid TenantId,
    string MonitorName,
    string? Error,
    DateTimeOffset FirstFailureAt,
    DateTimeOffset OpenedAt);

public sealed record IncidentResolved(
    Guid IncidentId,
    Guid MonitorId,
    Guid TenantId,
    DateTimeOffset OpenedAt,
    DateTimeOffset ResolvedAt);

/// Command to Delivery: tell one channel about one incident event. NotificationId is derived from
/// (IncidentId, Event, ChannelId), so Delivery sends each notification once however often it arrives.
public sealed record SendNotification(
    Guid NotificationId,
    Guid TenantId,
    Guid ChannelId,
    Guid IncidentId,
    Guid MonitorId,
    string MonitorName,
    string Event,
    string Status,
    string? Error,
    string? CustomMessage,
    DateTimeOffset FirstFailureAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset OccurredAt,
    int? EscalationLevel = null,
    IReadOnlyList<string>? AffectedMonitors = null,
    IReadOnlyList<string>? Tags = null);

public sealed record NotificationDelivered(
    Guid NotificationId,
    Guid ChannelId,
    Guid IncidentId,
    Guid TenantId,
    int Attempts,
    DateTimeOffset DeliveredAt);

public sealed record NotificationFailed(
    Guid NotificationId,
    Guid ChannelId,
    Guid IncidentId,
    Guid TenantId,
    int Attempts,
    string Error,
    DateTimeOffset FailedAt);
