namespace Sentinel.Contracts;

// Check settings beyond HttpCheckSpec: one record per check type, carried in MonitorUpserted.Check and DueCheck.Check.
// They hold write-only secrets (basic auth password, bearer token): only the Gateway, the Scheduler's copy and the
// Checker ever see them.

/// Type-specific settings of a monitor's check and the Gatus-style conditions evaluated after every check.
/// Exactly the member matching the monitor's type is set (http uses HttpCheckSpec plus Http here for its extras).
public sealed record CheckSpec(
    IReadOnlyList<string>? Conditions = null,
    HttpCheckOptions? Http = null,
    TcpCheckSpec? Tcp = null,
    UdpCheckSpec? Udp = null,
    IcmpCheckSpec? Icmp = null,
    DnsCheckSpec? Dns = null,
    TlsCheckSpec? Tls = null,
    HeartbeatCheckSpec? Heartbeat = null);

/// HTTP options added after HttpCheckSpec. MaxResponseBytes caps how much of the body is read; a longer body is down.
/// Keyword must appear in the body (or must not, with InvertKeyword).
public sealed record HttpCheckOptions(
    string? BasicAuthUsername = null,
    string? BasicAuthPassword = null,
    string? BearerToken = null,
    int? MaxResponseBytes = null,
    string? Keyword = null,
    bool InvertKeyword = false);

/// Connect to Host:Port; when Payload is set, send it (UTF-8) and, when Expect is set, read until the reply matches
/// the Expect regex.
public sealed record TcpCheckSpec(string Host, int Port, string? Payload = null, string? Expect = null);

/// Send Payload (UTF-8) as one datagram and wait for a reply (matching the Expect regex when given).
public sealed record UdpCheckSpec(string Host, int Port, string Payload, string? Expect = null);

/// Count echo requests; down when every one is lost (conditions can ask for less loss or a lower RTT).
public sealed record IcmpCheckSpec(string Host, int Count = 3);

/// Query Name/RecordType (A, AAAA, CNAME, MX, TXT, NS, SOA, SRV, CAA) at NameServer:Port, or at the system's
/// resolvers when NameServer is null. ExpectedRcode defaults to NOERROR; ExpectedAnswers must all be in the answer.
public sealed record DnsCheckSpec(
    string Name,
    string RecordType,
    string? NameServer = null,
    int Port = 53,
    string ExpectedRcode = "NOERROR",
    IReadOnlyList<string>? ExpectedAnswers = null);

/// TLS handshake to Host:Port with ServerName as SNI (Host when null). The chain and the host name are verified
/// unless IgnoreTls; a certificate expiring within CertificateExpiryWarningDays is down.
public sealed record TlsCheckSpec(
    string Host,
    int Port = 443,
    string? ServerName = null,
    int CertificateExpiryWarningDays = 14,
    bool IgnoreTls = false);

/// One condition of a completed check: whether it held and the value it saw.
public sealed record ConditionResult(string Condition, bool Success, string Actual);
