namespace Sentinel.Gateway.Monitors;

/// The body of POST, PUT and (after merging) PATCH. Every member is optional here; MonitorSpec decides.
public sealed record MonitorRequest(
    string? Name = null,
    string? Type = null,
    string? Url = null,
    string? Method = null,
    Dictionary<string, string>? Headers = null,
    string? Body = null,
    List<string>? ExpectedStatus = null,
    bool? FollowRedirects = null,
    bool? IgnoreTls = null,
    int? IntervalSeconds = null,
    int? TimeoutSeconds = null,
    int? FailureThreshold = null,
    int? RecoveryThreshold = null,
    List<Guid>? ChannelIds = null,
    bool? AlertOnRecovery = null,
    string? CustomMessage = null,
    List<string>? Tags = null,
    int? ResendEverySeconds = null);

public sealed record MonitorResponse(
    Guid Id,
    string Name,
    string Type,
    string? Url,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    IReadOnlyList<string> ExpectedStatus,
    bool FollowRedirects,
    bool IgnoreTls,
    int IntervalSeconds,
    int TimeoutSeconds,
    int FailureThreshold,
    int RecoveryThreshold,
    IReadOnlyList<Guid> ChannelIds,
    bool AlertOnRecovery,
    string? CustomMessage,
    IReadOnlyList<string> Tags,
    int ResendEverySeconds,
    string Status,
    DateTimeOffset? StatusChangedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static MonitorResponse From(Monitor m) => new(
        m.Id, m.Name, m.Type, m.Url, m.Method, m.Headers, m.Body, m.ExpectedStatus, m.FollowRedirects, m.IgnoreTls,
        m.IntervalSeconds, m.TimeoutSeconds, m.FailureThreshold, m.RecoveryThreshold, m.ChannelIds, m.AlertOnRecovery,
        m.CustomMessage, m.Tags, m.ResendEverySeconds, m.Paused ? Contracts.MonitorStatuses.Paused : m.Status,
        m.StatusChangedAt, m.CreatedAt, m.UpdatedAt);

    /// The stored monitor as a full request: PATCH merges the caller's fields over it and validates the result.
    public static MonitorRequest ToRequest(Monitor m) => new(
        m.Name, m.Type, m.Url, m.Method, new(m.Headers), m.Body, [.. m.ExpectedStatus], m.FollowRedirects, m.IgnoreTls,
        m.IntervalSeconds, m.TimeoutSeconds, m.FailureThreshold, m.RecoveryThreshold, [.. m.ChannelIds],
        m.AlertOnRecovery, m.CustomMessage, [.. m.Tags], m.ResendEverySeconds);
}
