using Sentinel.Contracts;
using System.Text.RegularExpressions;

namespace Sentinel.Gateway.Monitors;

/// A validated monitor definition with every default filled in. Parse is pure; whether the channels exist is the
/// endpoint's question because it needs the database.
public sealed partial record MonitorSpec(
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
    MonitorSettings Settings,
    Guid? EscalationPolicyId = null,
    Guid? ParentMonitorId = null,
    int? FlapThreshold = null,
    int? FlapWindowSeconds = null,
    string? Slug = null,
    IReadOnlyList<string>? Locations = null,
    int? Quorum = null)
{
    public static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    const int MaxHeaders = 50;
    const int MaxBodyLength = 65_536;
    const int MaxChannels = 50;
    public const int MaxLocations = 16;

    public const int DefaultMinIntervalSeconds = 5;

    /// minIntervalSeconds is the install's floor (Monitors:MinIntervalSeconds): a multi-tenant install may want 30.
    public static (MonitorSpec? Spec, Dictionary<string, string[]> Errors) Parse(
        MonitorRequest r, int minIntervalSeconds = DefaultMinIntervalSeconds,
        int minHeartbeatSeconds = Heartbeats.HeartbeatSettingsSpec.MinSeconds)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) =>
            errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name))
            Fail("name", "Name is required.");
        else if (name.Length > 200)
            Fail("name", "Name must be at most 200 characters.");

        var supported = string.Join(", ", MonitorTypes.Supported);
        if (r.Type is null)
            Fail("type", $"Type is required; supported types: {supported}.");
        else if (!MonitorTypes.Supported.Contains(r.Type))
            Fail("type", $"Type '{r.Type}' is not supported; supported types: {supported}.");

        var isHttp = r.Type == MonitorTypes.Http;
        if (isHttp)
        {
            if (string.IsNullOrWhiteSpace(r.Url))
                Fail("url", "Url is required for http monitors.");
            else if (r.Url.Length > 2048)
                Fail("url", "Url must be at most 2048 characters.");
            else if (!Uri.TryCreate(r.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                Fail("url", "Url must be an absolute http or https URL.");
        }

        var method = (r.Method ?? "GET").ToUpperInvariant();
        if (!Methods.Contains(method))
            Fail("method", $"Method must be one of {string.Join(", ", Methods)}.");

        var headers = r.Headers ?? [];
        if (headers.Count > MaxHeaders)
            Fail("headers", $"At most {MaxHeaders} headers are allowed.");
        foreach (var (header, value) in headers)
        {
            if (!IsToken(header))
                Fail("headers", $"Header name '{header}' is not a valid HTTP header name.");
            if (value is null)
                Fail("headers", $"Header '{header}' needs a string value.");
            else if (value.Any(c => c is '\r' or '\n'))
                Fail("headers", $"Header '{header}' must not contain line breaks.");
        }

        if (r.Body is { Length: > MaxBodyLength })
            Fail("body", $"Body must be at most {MaxBodyLength} characters.");

        var expected = r.ExpectedStatus ?? ["200-299"];
        if (expected.Count == 0)
            Fail("expectedStatus", "ExpectedStatus needs at least one code or range.");
        else if (expected.Count > 20)
            Fail("expectedStatus", "ExpectedStatus takes at most 20 entries.");
        foreach (var entry in expected)
            if (!IsStatusEntry(entry))
                Fail("expectedStatus", $"'{entry}' is not a status code or range between 100 and 599 (e.g. \"200\" or \"200-299\").");

        // A heartbeat is never checked actively: its period or schedule lives in its settings and the interval is moot.
        var isHeartbeat = r.Type == MonitorTypes.Heartbeat;
        var interval = isHeartbeat ? 60 : r.IntervalSeconds ?? Math.Max(60, minIntervalSeconds);
        if (!isHeartbeat && (interval < minIntervalSeconds || interval > 86_400))
            Fail("intervalSeconds", $"IntervalSeconds must be between {minIntervalSeconds} and 86400.");

        var timeout = isHeartbeat ? 10 : r.TimeoutSeconds ?? Math.Min(10, interval);
        if (timeout is < 1 or > 120)
            Fail("timeoutSeconds", "TimeoutSeconds must be between 1 and 120.");
        else if (timeout > interval)
            Fail("timeoutSeconds", "TimeoutSeconds must not exceed IntervalSeconds.");

        var failureThreshold = r.FailureThreshold ?? 1;
        if (failureThreshold is < 1 or > 100)
            Fail("failureThreshold", "FailureThreshold must be between 1 and 100.");
        var recoveryThreshold = r.RecoveryThreshold ?? 1;
        if (recoveryThreshold is < 1 or > 100)
            Fail("recoveryThreshold", "RecoveryThreshold must be between 1 and 100.");

        var channelIds = (r.ChannelIds ?? []).Distinct().ToList();
        if (channelIds.Count > MaxChannels)
            Fail("channelIds", $"At most {MaxChannels} channels are allowed.");
        if (channelIds.Contains(Guid.Empty))
            Fail("channelIds", "Channel ids must not be empty.");

        if (r.CustomMessage is { Length: > 2000 })
            Fail("customMessage", "CustomMessage must be at most 2000 characters.");
        else if (MessagePlaceholders.Unknown(r.CustomMessage) is { Count: > 0 } unknown)
            Fail("customMessage", $"Unknown placeholder(s) {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}; known: {string.Join(", ", MessagePlaceholders.Names)}.");

        if (r.EscalationPolicyId == Guid.Empty)
            Fail("escalationPolicyId", "EscalationPolicyId must not be an empty id.");
        if (r.ParentMonitorId == Guid.Empty)
            Fail("parentMonitorId", "ParentMonitorId must not be an empty id.");
        if (r.FlapThreshold is < 0 or > 100)
            Fail("flapThreshold", "FlapThreshold must be between 0 (off) and 100 state changes.");
        if (r.FlapWindowSeconds is < 60 or > 86_400)
            Fail("flapWindowSeconds", "FlapWindowSeconds must be between 60 and 86400.");

        var tags = (r.Tags ?? []).Distinct().ToList();
        if (tags.Count > 20)
            Fail("tags", "At most 20 tags are allowed.");
        foreach (var tag in tags)
            if (tag is null || !TagPattern().IsMatch(tag))
                Fail("tags", $"Tag '{tag}' must be 1-50 characters of a-z, 0-9, '.', '_', ':' or '-'.");

        var resend = r.ResendEverySeconds ?? 0;
        if (resend is < 0 or > 604_800)
            Fail("resendEverySeconds", "ResendEverySeconds must be between 0 and 604800.");

        var (locations, quorum) = ParseLocations(r, isHeartbeat, Fail);

        var settings = CheckSettingsSpec.Parse(r, MonitorTypes.Supported.Contains(r.Type) ? r.Type : null, Fail, minHeartbeatSeconds);
        var slug = isHeartbeat ? Heartbeats.HeartbeatSettingsSpec.ParseSlug(r.Slug, Fail) : null;

        if (errors.Count > 0)
            return (null, errors);

        return (new MonitorSpec(
            name!, r.Type!, isHttp ? r.Url : null, method, headers, r.Body, expected.Select(Normalize).ToList(),
            r.FollowRedirects ?? true, r.IgnoreTls ?? false, interval, timeout, failureThreshold, recoveryThreshold,
            channelIds, r.AlertOnRecovery ?? true, r.CustomMessage, tags, resend, settings,
            r.EscalationPolicyId, r.ParentMonitorId, r.FlapThreshold, r.FlapWindowSeconds, slug, locations, quorum), errors);
    }

    /// `locations`: where the monitor is checked from (each due time once per location); `quorum`: how many of them
    /// must report down for the monitor to count down, 1..n, default n (all). No locations: any Checker, once.
    static (IReadOnlyList<string>? Locations, int? Quorum) ParseLocations(MonitorRequest r, bool isHeartbeat, Action<string, string> fail)
    {
        var locations = r.Locations ?? [];
        if (locations.Count == 0)
        {
            if (r.Quorum is not null)
                fail("quorum", "Quorum needs locations: it counts how many of the monitor's locations must report down.");
            return (null, null);
        }
        if (isHeartbeat)
        {
            fail("locations", "Heartbeat monitors are pinged, not checked: they take no locations.");
            return (null, null);
        }
        if (locations.Count > MaxLocations)
            fail("locations", $"At most {MaxLocations} locations are allowed.");
        foreach (var location in locations)
            if (!Contracts.Locations.IsValidName(location))
                fail("locations", $"Location '{location}' must be 1-{Contracts.Locations.MaxNameLength} characters of a-z, 0-9 and inner '-' (e.g. \"eu-west\").");
        foreach (var duplicate in locations.GroupBy(l => l).Where(g => g.Count() > 1))
            fail("locations", $"Location '{duplicate.Key}' is listed more than once.");
        var quorum = r.Quorum ?? locations.Count;
        if (quorum < 1 || quorum > locations.Count)
            fail("quorum", $"Quorum must be between 1 and the number of locations ({locations.Count}).");
        return ([.. locations], quorum);
    }

    static bool IsStatusEntry(string? entry)
    {
        if (entry is null)
            return false;
        if (IsStatusClass(entry))
            return true;
        var parts = entry.Split('-');
        if (parts.Length > 2 || parts.Any(p => !int.TryParse(p, System.Globalization.NumberStyles.None, null, out var code) || code is < 100 or > 599))
            return false;
        return parts.Length == 1 || int.Parse(parts[0]) <= int.Parse(parts[1]);
    }

    // "2xx": a whole class of codes, as the Checker reads it.
    static bool IsStatusClass(string entry) =>
        entry.Length == 3 && entry[0] is >= '1' and <= '5' && entry[1..].Equals("xx", StringComparison.OrdinalIgnoreCase);

    static string Normalize(string entry) =>
        IsStatusClass(entry) ? entry.ToLowerInvariant() : string.Join('-', entry.Split('-').Select(p => int.Parse(p).ToString()));

    // RFC 9110 token characters.
    static bool IsToken(string name) =>
        name.Length is > 0 and <= 256 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    [GeneratedRegex("^[a-z0-9._:-]{1,50}$")]
    private static partial Regex TagPattern();
}
