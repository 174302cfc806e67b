using System.Text.RegularExpressions;
using Sentinel.Conditions;

namespace Sentinel.Gateway.Monitors;

/// Validation of the type-specific fields and the conditions. Fields of other types are ignored (and not stored),
/// so a PATCH that changes the type need not clear them one by one.
public static class CheckSettingsSpec
{
    public const int MaxConditions = 20;
    public const int MaxResponseBytesLimit = 10 * 1024 * 1024;
    public static readonly string[] RecordTypes = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "CAA"];
    public static readonly string[] Rcodes = ["NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "FORMERR", "NOTIMP"];

    /// Which placeholders each check type produces: a condition asking for anything else could never hold.
    static readonly Dictionary<string, Placeholder[]> Available = new()
    {
        [MonitorTypes.Http] = [Placeholder.Status, Placeholder.ResponseTime, Placeholder.Body, Placeholder.Header,
            Placeholder.CertificateExpiration, Placeholder.Connected, Placeholder.Ip],
        [MonitorTypes.Tcp] = [Placeholder.Connected, Placeholder.ResponseTime, Placeholder.Ip, Placeholder.Body],
        [MonitorTypes.Udp] = [Placeholder.Connected, Placeholder.ResponseTime, Placeholder.Ip, Placeholder.Body],
        [MonitorTypes.Icmp] = [Placeholder.Connected, Placeholder.ResponseTime, Placeholder.Ip, Placeholder.PacketLoss],
        [MonitorTypes.Dns] = [Placeholder.DnsRcode, Placeholder.Body, Placeholder.ResponseTime, Placeholder.Ip, Placeholder.Connected],
        [MonitorTypes.Tls] = [Placeholder.CertificateExpiration, Placeholder.Connected, Placeholder.ResponseTime, Placeholder.Ip],
        [MonitorTypes.Heartbeat] = [Placeholder.Duration],
    };

    public static MonitorSettings Parse(MonitorRequest r, string? type, Action<string, string> fail, int minHeartbeatSeconds = Heartbeats.HeartbeatSettingsSpec.MinSeconds)
    {
        var conditions = ParseConditions(r.Conditions, type, fail);
        return type switch
        {
            MonitorTypes.Http => ParseHttp(r, conditions, fail),
            MonitorTypes.Tcp => new MonitorSettings(conditions, Host: Host(r.Host, fail), Port: Port(r.Port, null, "port", fail),
                Payload: Payload(r.Payload, required: false, fail), Expect: Pattern(r.Expect, fail)),
            MonitorTypes.Udp => new MonitorSettings(conditions, Host: Host(r.Host, fail), Port: Port(r.Port, null, "port", fail),
                Payload: Payload(r.Payload, required: true, fail), Expect: Pattern(r.Expect, fail)),
            MonitorTypes.Icmp => new MonitorSettings(conditions, Host: Host(r.Host, fail), PacketCount: PacketCount(r.PacketCount, fail)),
            MonitorTypes.Dns => ParseDns(r, conditions, fail),
            MonitorTypes.Tls => new MonitorSettings(conditions, Host: Host(r.Host, fail), Port: Port(r.Port, 443, "port", fail),
                ServerName: OptionalHost(r.ServerName, "serverName", fail), CertificateExpiryWarningDays: WarningDays(r.CertificateExpiryWarningDays, fail)),
            MonitorTypes.Heartbeat => Heartbeats.HeartbeatSettingsSpec.Parse(r, conditions, fail, minHeartbeatSeconds),
            _ => MonitorSettings.Empty,
        };
    }

    static List<string>? ParseConditions(List<string>? conditions, string? type, Action<string, string> fail)
    {
        if (conditions is null || conditions.Count == 0)
            return null;
        if (conditions.Count > MaxConditions)
        {
            fail("conditions", $"At most {MaxConditions} conditions are allowed.");
            return null;
        }
        var parsed = new List<string>(conditions.Count);
        for (var i = 0; i < conditions.Count; i++)
        {
            var field = $"conditions[{i}]";
            if (!Condition.TryParse(conditions[i], out var condition, out var error))
            {
                fail(field, $"Position {error!.Position}: {error.Message}.");
                continue;
            }
            if (type is not null && Available.TryGetValue(type, out var available))
                foreach (var placeholder in condition!.Placeholders.Distinct().Where(p => !available.Contains(p)))
                {
                    var name = $"[{Name(placeholder)}]";
                    var at = Math.Max(0, conditions[i].IndexOf(name, StringComparison.Ordinal));
                    fail(field, $"Position {at}: {name} is not available for {type} monitors.");
                }
            parsed.Add(condition!.Text);
        }
        return parsed;
    }

    static string Name(Placeholder placeholder) => placeholder switch
    {
        Placeholder.ResponseTime => "RESPONSE_TIME",
        Placeholder.CertificateExpiration => "CERTIFICATE_EXPIRATION",
        Placeholder.DnsRcode => "DNS_RCODE",
        Placeholder.PacketLoss => "PACKET_LOSS",
        _ => placeholder.ToString().ToUpperInvariant(),
    };

    static MonitorSettings ParseHttp(MonitorRequest r, List<string>? conditions, Action<string, string> fail)
    {
        string? user = null, password = null;
        if (r.BasicAuth is { } auth)
        {
            user = auth.Username;
            password = auth.Password ?? "";
            if (string.IsNullOrEmpty(user))
                fail("basicAuth.username", "Username is required for basic auth.");
            else if (user.Length > 200 || user.Contains(':') || user.Any(char.IsControl))
                fail("basicAuth.username", "Username must be at most 200 characters, without ':' or control characters.");
            if (password.Length > 1000 || password.Any(c => c is '\r' or '\n'))
                fail("basicAuth.password", "Password must be at most 1000 characters, without line breaks.");
        }
        if (r.BearerToken is { } token)
        {
            if (token.Length is 0 or > 4096 || token.Any(char.IsControl))
                fail("bearerToken", "BearerToken must be 1-4096 characters without control characters.");
            if (r.BasicAuth is not null)
                fail("bearerToken", "Give either basicAuth or bearerToken, not both.");
        }
        if (r.Keyword is { Length: 0 or > 1000 })
            fail("keyword", "Keyword must be 1-1000 characters.");
        if (r.InvertKeyword == true && r.Keyword is null)
            fail("invertKeyword", "InvertKeyword needs a keyword.");
        if (r.MaxResponseBytes is < 1 or > MaxResponseBytesLimit)
            fail("maxResponseBytes", $"MaxResponseBytes must be between 1 and {MaxResponseBytesLimit}.");
        return new MonitorSettings(conditions, user, password, r.BearerToken, r.Keyword, r.Keyword is null ? null : r.InvertKeyword ?? false,
            r.MaxResponseBytes);
    }

    static MonitorSettings ParseDns(MonitorRequest r, List<string>? conditions, Action<string, string> fail)
    {
        var recordType = (r.RecordType ?? "A").ToUpperInvariant();
        if (!RecordTypes.Contains(recordType))
            fail("recordType", $"RecordType must be one of {string.Join(", ", RecordTypes)}.");
        var rcode = (r.ExpectedRcode ?? "NOERROR").ToUpperInvariant();
        if (!Rcodes.Contains(rcode))
            fail("expectedRcode", $"ExpectedRcode must be one of {string.Join(", ", Rcodes)}.");
        if (r.ExpectedAnswers is { Count: > 20 })
            fail("expectedAnswers", "At most 20 expected answers are allowed.");
        else if (r.ExpectedAnswers?.Any(a => string.IsNullOrWhiteSpace(a) || a.Length > 1000) == true)
            fail("expectedAnswers", "Each expected answer must be 1-1000 characters.");
        return new MonitorSettings(conditions, Host: Host(r.Host, fail), RecordType: recordType,
            NameServer: OptionalHost(r.NameServer, "nameServer", fail),
            NameServerPort: r.NameServer is null ? null : Port(r.NameServerPort, 53, "nameServerPort", fail),
            ExpectedRcode: rcode, ExpectedAnswers: r.ExpectedAnswers is { Count: > 0 } answers ? answers : null);
    }

    static string? Host(string? host, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            fail("host", "Host is required: a host name or an IP address.");
            return null;
        }
        return OptionalHost(host, "host", fail);
    }

    static string? OptionalHost(string? host, string field, Action<string, string> fail)
    {
        if (host is null)
            return null;
        host = host.Trim();
        if (host.Length > 253 || Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
            fail(field, $"'{host}' is not a host name or an IP address.");
        return host;
    }

    static int? Port(int? port, int? fallback, string field, Action<string, string> fail)
    {
        var value = port ?? fallback;
        if (value is null)
            fail(field, "Port is required (1-65535).");
        else if (value is < 1 or > 65535)
            fail(field, "Port must be between 1 and 65535.");
        return value;
    }

    static string? Payload(string? payload, bool required, Action<string, string> fail)
    {
        if (payload is null && required)
            fail("payload", "Payload is required for udp monitors.");
        else if (payload is { Length: > 65_000 })
            fail("payload", "Payload must be at most 65000 characters.");
        return payload;
    }

    static string? Pattern(string? pattern, Action<string, string> fail)
    {
        if (pattern is null)
            return null;
        if (pattern.Length is 0 or > 1000)
            fail("expect", "Expect must be a regular expression of 1-1000 characters.");
        else
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException ex)
            {
                fail("expect", $"Expect is not a valid regular expression: {ex.Message}");
            }
        return pattern;
    }

    static int PacketCount(int? count, Action<string, string> fail)
    {
        var value = count ?? 3;
        if (value is < 1 or > 20)
            fail("packetCount", "PacketCount must be between 1 and 20.");
        return value;
    }

    static int WarningDays(int? days, Action<string, string> fail)
    {
        var value = days ?? 14;
        if (value is < 0 or > 365)
            fail("certificateExpiryWarningDays", "CertificateExpiryWarningDays must be between 0 and 365.");
        return value;
    }
}
