using System.Text.Json;
using System.Text.Json.Serialization;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Monitors;

/// What a monitor keeps in its `settings` jsonb column: the conditions and the settings of every check type other
/// than the HTTP basics (which have columns of their own). Only the members of the monitor's type are set; the
/// secrets (BasicAuthPassword, BearerToken) are stored here but never returned by the API.
public sealed record MonitorSettings(
    IReadOnlyList<string>? Conditions = null,
    string? BasicAuthUsername = null,
    string? BasicAuthPassword = null,
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
    IReadOnlyList<string>? ExpectedAnswers = null,
    string? ServerName = null,
    int? CertificateExpiryWarningDays = null,
    int? PeriodSeconds = null,
    string? Schedule = null,
    string? TimeZone = null,
    int? GraceSeconds = null,
    bool? ManualResume = null,
    IReadOnlyList<string>? AllowedMethods = null,
    IReadOnlyList<string>? StartKeywords = null,
    IReadOnlyList<string>? SuccessKeywords = null,
    IReadOnlyList<string>? FailureKeywords = null)
{
    public static readonly MonitorSettings Empty = new();

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static MonitorSettings Read(string? json) =>
        string.IsNullOrEmpty(json) ? Empty : JsonSerializer.Deserialize<MonitorSettings>(json, Json) ?? Empty;

    public string Write() => JsonSerializer.Serialize(this, Json);

    /// The Checker's view of these settings for a monitor of the given type.
    public CheckSpec ToCheckSpec(string type, bool ignoreTls)
    {
        var conditions = Conditions is { Count: > 0 } ? Conditions : null;
        return type switch
        {
            MonitorTypes.Http => new CheckSpec(conditions, Http: new HttpCheckOptions(
                BasicAuthUsername, BasicAuthPassword, BearerToken, MaxResponseBytes, Keyword, InvertKeyword ?? false)),
            MonitorTypes.Tcp => new CheckSpec(conditions, Tcp: new TcpCheckSpec(Host!, Port ?? 0, Payload, Expect)),
            MonitorTypes.Udp => new CheckSpec(conditions, Udp: new UdpCheckSpec(Host!, Port ?? 0, Payload ?? "", Expect)),
            MonitorTypes.Icmp => new CheckSpec(conditions, Icmp: new IcmpCheckSpec(Host!, PacketCount ?? 3)),
            MonitorTypes.Dns => new CheckSpec(conditions, Dns: new DnsCheckSpec(
                Host!, RecordType ?? "A", NameServer, NameServerPort ?? 53, ExpectedRcode ?? "NOERROR", ExpectedAnswers)),
            MonitorTypes.Tls => new CheckSpec(conditions, Tls: new TlsCheckSpec(
                Host!, Port ?? 443, ServerName, CertificateExpiryWarningDays ?? 14, ignoreTls)),
            MonitorTypes.Heartbeat => new CheckSpec(conditions, Heartbeat: new HeartbeatCheckSpec(
                PeriodSeconds, Schedule, TimeZone, GraceSeconds ?? Heartbeats.HeartbeatSettingsSpec.DefaultGraceSeconds, ManualResume ?? false)),
            _ => new CheckSpec(conditions),
        };
    }
}
