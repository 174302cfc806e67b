using Sentinel.Gateway.Heartbeats;

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
    int? ResendEverySeconds = null,
    List<string>? Conditions = null,
    BasicAuthRequest? BasicAuth = null,
    string? BearerToken = null,
    string? Keyword = null,
    bool? InvertKeyword = null,
    int? MaxResponseBytes = null,
    string? Host = null,
    int? Port = null,
    string? Payload = null,
    string? Expect = null,
    int? PacketCount = null,
    string? RecordType = null,
    string? NameServer = null,
    int? NameServerPort = null,
    string? ExpectedRcode = null,
    List<string>? ExpectedAnswers = null,
    string? ServerName = null,
    int? CertificateExpiryWarningDays = null,
    Guid? EscalationPolicyId = null,
    Guid? ParentMonitorId = null,
    int? FlapThreshold = null,
    int? FlapWindowSeconds = null,
    int? PeriodSeconds = null,
    string? Schedule = null,
    string? TimeZone = null,
    int? GraceSeconds = null,
    bool? ManualResume = null,
    List<string>? AllowedMethods = null,
    List<string>? StartKeywords = null,
    List<string>? SuccessKeywords = null,
    List<string>? FailureKeywords = null,
    string? Slug = null,
    List<string>? Locations = null,
    int? Quorum = null);

/// HTTP basic auth. The password is write-only: responses carry the username alone.
public sealed record BasicAuthRequest(string? Username = null, string? Password = null);

public sealed record BasicAuthView(string Username);

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
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> Conditions,
    BasicAuthView? BasicAuth,
    bool HasBearerToken,
    string? Keyword,
    bool? InvertKeyword,
    int? MaxResponseBytes,
    string? Host,
    int? Port,
    string? Payload,
    string? Expect,
    int? PacketCount,
    string? RecordType,
    string? NameServer,
    int? NameServerPort,
    string? ExpectedRcode,
    IReadOnlyList<string>? ExpectedAnswers,
    string? ServerName,
    int? CertificateExpiryWarningDays,
    Guid? EscalationPolicyId,
    Guid? ParentMonitorId,
    int? FlapThreshold,
    int? FlapWindowSeconds,
    int? PeriodSeconds = null,
    string? Schedule = null,
    string? TimeZone = null,
    int? GraceSeconds = null,
    bool? ManualResume = null,
    IReadOnlyList<string>? AllowedMethods = null,
    IReadOnlyList<string>? StartKeywords = null,
    IReadOnlyList<string>? SuccessKeywords = null,
    IReadOnlyList<string>? FailureKeywords = null,
    string? Slug = null,
    string? PingUrl = null,
    HeartbeatUrls? PingUrls = null,
    HeartbeatStateView? Heartbeat = null,
    IReadOnlyList<string>? Locations = null,
    int? Quorum = null)
{
    public static MonitorResponse From(Monitor m) => From(m, null);

    /// Heartbeats carry their ping URLs (absolute when links are given, else relative to this host) and, on GET
    /// of one monitor, the Scheduler's view of their state.
    public static MonitorResponse From(Monitor m, PingLinks? links, HeartbeatStateView? state = null)
    {
        var response = FromSettings(m);
        if (m.Type != MonitorTypes.Heartbeat || m.PingToken is null)
            return response;
        var urls = HeartbeatUrls.For(m.PingToken, m.Slug, links);
        return response with { PingUrl = urls.Ping, PingUrls = urls, Heartbeat = state };
    }

    static MonitorResponse FromSettings(Monitor m)
    {
        var s = MonitorSettings.Read(m.Settings);
        return new(
            m.Id, m.Name, m.Type, m.Url, m.Method, m.Headers, m.Body, m.ExpectedStatus, m.FollowRedirects, m.IgnoreTls,
            m.IntervalSeconds, m.TimeoutSeconds, m.FailureThreshold, m.RecoveryThreshold, m.ChannelIds, m.AlertOnRecovery,
            m.CustomMessage, m.Tags, m.ResendEverySeconds, m.Paused ? Contracts.MonitorStatuses.Paused : m.Status,
            m.StatusChangedAt, m.CreatedAt, m.UpdatedAt,
            s.Conditions ?? [], s.BasicAuthUsername is { } user ? new BasicAuthView(user) : null, s.BearerToken is not null,
            s.Keyword, s.InvertKeyword, s.MaxResponseBytes, s.Host, s.Port, s.Payload, s.Expect, s.PacketCount, s.RecordType,
            s.NameServer, s.NameServerPort, s.ExpectedRcode, s.ExpectedAnswers, s.ServerName, s.CertificateExpiryWarningDays,
            m.EscalationPolicyId, m.ParentMonitorId, m.FlapThreshold, m.FlapWindowSeconds,
            s.PeriodSeconds, s.Schedule, s.TimeZone, s.GraceSeconds, s.ManualResume, s.AllowedMethods, s.StartKeywords,
            s.SuccessKeywords, s.FailureKeywords, m.Slug,
            Locations: m.Locations.Count > 0 ? m.Locations : null, Quorum: m.Locations.Count > 0 ? m.Quorum : null);
    }

    /// The stored monitor as a full request (secrets included: it never leaves the Gateway): PATCH merges the
    /// caller's fields over it and validates the result.
    public static MonitorRequest ToRequest(Monitor m)
    {
        var s = MonitorSettings.Read(m.Settings);
        return new(
            m.Name, m.Type, m.Url, m.Method, new(m.Headers), m.Body, [.. m.ExpectedStatus], m.FollowRedirects, m.IgnoreTls,
            m.IntervalSeconds, m.TimeoutSeconds, m.FailureThreshold, m.RecoveryThreshold, [.. m.ChannelIds],
            m.AlertOnRecovery, m.CustomMessage, [.. m.Tags], m.ResendEverySeconds,
            s.Conditions?.ToList(), s.BasicAuthUsername is null ? null : new BasicAuthRequest(s.BasicAuthUsername, s.BasicAuthPassword),
            s.BearerToken, s.Keyword, s.InvertKeyword, s.MaxResponseBytes, s.Host, s.Port, s.Payload, s.Expect, s.PacketCount,
            s.RecordType, s.NameServer, s.NameServerPort, s.ExpectedRcode, s.ExpectedAnswers?.ToList(), s.ServerName,
            s.CertificateExpiryWarningDays, m.EscalationPolicyId, m.ParentMonitorId, m.FlapThreshold, m.FlapWindowSeconds,
            s.PeriodSeconds, s.Schedule, s.TimeZone, s.GraceSeconds, s.ManualResume, s.AllowedMethods?.ToList(),
            s.StartKeywords?.ToList(), s.SuccessKeywords?.ToList(), s.FailureKeywords?.ToList(), m.Slug,
            m.Locations.Count > 0 ? [.. m.Locations] : null, m.Locations.Count > 0 ? m.Quorum : null);
    }
}
