namespace Sentinel.Contracts;

// Catalog events: published by the Gateway through its outbox, carrying the whole state their consumers keep.
// Version grows with every change of one object; a consumer ignores an event whose Version it has already seen.

/// What an HTTP check needs. Null members fall back to the documented defaults.
public sealed record HttpCheckSpec(
    string Url,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    IReadOnlyList<string> ExpectedStatus,
    bool FollowRedirects,
    bool IgnoreTls);

/// ResumedAt is the last time the monitor was resumed through the API (unpaused, or a manual-resume heartbeat let go
/// of its down state): consumers restart the monitor from "new" when it is later than what they have seen.
/// Locations (empty or null: any Checker, one check per due time) lists where the monitor is checked from, each due
/// time once per location; Quorum is how many of them must report down for the monitor to count down (null: all).
public sealed record MonitorUpserted(
    Guid MonitorId,
    Guid TenantId,
    long Version,
    string Name,
    string Type,
    int IntervalSeconds,
    int TimeoutSeconds,
    bool Paused,
    int FailureThreshold,
    int RecoveryThreshold,
    IReadOnlyList<Guid> ChannelIds,
    bool AlertOnRecovery,
    string? CustomMessage,
    IReadOnlyList<string> Tags,
    HttpCheckSpec? Http,
    DateTimeOffset OccurredAt,
    int ResendEverySeconds = 0,
    Guid? EscalationPolicyId = null,
    Guid? ParentMonitorId = null,
    int? FlapThreshold = null,
    int? FlapWindowSeconds = null,
    CheckSpec? Check = null,
    DateTimeOffset? ResumedAt = null,
    IReadOnlyList<string>? Locations = null,
    int? Quorum = null);

public sealed record MonitorDeleted(Guid MonitorId, Guid TenantId, long Version, DateTimeOffset OccurredAt);

/// Settings of a webhook channel. Headers may hold secrets; only Delivery keeps them.
/// Secret (HMAC-SHA256 key for the signature header) and BodyTemplate (a JSON body with {{placeholders}}) are optional.
public sealed record WebhookChannelSettings(
    string Url, IReadOnlyDictionary<string, string> Headers, string? Secret = null, string? BodyTemplate = null);

/// SettingsJson carries the kind's settings (a record from ChannelSettings.cs, camelCase JSON, secrets included) and
/// wins over Webhook; Webhook stays filled for webhook channels so an older Delivery keeps working.
public sealed record ChannelUpserted(
    Guid ChannelId,
    Guid TenantId,
    long Version,
    string Name,
    string Type,
    WebhookChannelSettings? Webhook,
    DateTimeOffset OccurredAt,
    string? SettingsJson = null);

public sealed record ChannelDeleted(Guid ChannelId, Guid TenantId, long Version, DateTimeOffset OccurredAt);
