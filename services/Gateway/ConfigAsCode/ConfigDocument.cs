using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Sentinel.Contracts;
using Sentinel.Gateway.AlertRules;
using Sentinel.Gateway.Channels;
using Sentinel.Gateway.EscalationPolicies;
using Sentinel.Gateway.MaintenanceWindows;
using Sentinel.Gateway.Monitors;
using Sentinel.Gateway.Slos;
using Sentinel.Gateway.StatusPages;
using Monitor = Sentinel.Gateway.Monitors.Monitor;

namespace Sentinel.Gateway.ConfigAsCode;

/// The shape of the configuration file: each object as the REST API's request, except that objects name each other
/// by name (channels, escalationPolicy, parentMonitor, monitors) instead of by id, and secrets stand as references
/// `${secret:<object name>/<field>}` meaning "keep the value stored now". Status pages have no name: their slug is
/// their identity in the file.
public static partial class ConfigDocument
{
    public const string Channels = "channels";
    public const string EscalationPolicies = "escalationPolicies";
    public const string Monitors = "monitors";
    public const string AlertRules = "alertRules";
    public const string MaintenanceWindows = "maintenanceWindows";
    public const string StatusPages = "statusPages";
    public const string Slos = "slos";

    /// In the order they are applied: what is named must exist before what names it.
    public static readonly string[] Sections = [Channels, EscalationPolicies, Monitors, AlertRules, MaintenanceWindows, StatusPages, Slos];

    /// The monitor fields that hold secrets (write-only in the REST API), as paths inside a monitor object.
    public static readonly string[] MonitorSecrets = ["bearerToken", "basicAuth.password"];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new LenientStringConverter() },
    };

    /// Every field of the REST monitor request, with ids replaced by names: fields added to MonitorRequest later are
    /// accepted here without a change.
    public static readonly HashSet<string> MonitorFields =
    [
        .. typeof(MonitorRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .Except(["channelIds", "escalationPolicyId", "parentMonitorId"]),
        "channels", "escalationPolicy", "parentMonitor", "paused",
    ];

    public static readonly HashSet<string> ChannelFields = ["name", "type", "settings"];
    public static readonly HashSet<string> PolicyFields = ["name", "levels"];
    public static readonly HashSet<string> LevelFields = ["afterConsecutiveFailures", "afterMinutes", "channels"];
    public static readonly HashSet<string> RuleFields = ["name", "monitors", "tags", "consecutiveFailures", "channels", "maxAlertsPerHour"];
    public static readonly HashSet<string> WindowFields = ["name", "monitors", "tags", "startsAt", "endsAt", "cron", "durationSeconds", "timeZone"];
    public static readonly HashSet<string> StatusPageFields = ["slug", "title", "description", "groups", "customDomain", "historyDays", "public"];
    public static readonly HashSet<string> StatusPageGroupFields = ["name", "monitors"];
    public static readonly HashSet<string> SloFields = ["name", "monitor", "tag", "objectivePercent", "windowDays", "burnRateAlerts", "channels"];

    public static string SecretReference(string objectName, string field) => $"${{secret:{objectName}/{field}}}";

    public static bool TryParseReference(JsonNode? node, out string objectName, out string field)
    {
        objectName = field = "";
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String
            || ReferencePattern().Match(value.GetValue<string>()) is not { Success: true } match)
            return false;
        objectName = match.Groups["name"].Value;
        field = match.Groups["field"].Value;
        return true;
    }

    /// Without nulls, empty lists and empty maps: absent and empty mean the same to every request, so they must
    /// compare equal and export the same.
    public static JsonNode? Canon(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                    if (Canon(value) is { } kept && !IsEmpty(kept))
                        copy[key] = kept;
                return copy;
            case JsonArray array:
                return new JsonArray(array.Select(Canon).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    static bool IsEmpty(JsonNode node) => node is JsonObject { Count: 0 } or JsonArray { Count: 0 };

    // ---- each kind as it stands in the file ----

    public static JsonObject MonitorNode(Monitor m, Names names, bool withSecrets)
    {
        var node = (JsonObject)Canon(JsonSerializer.SerializeToNode(MonitorResponse.ToRequest(m), Json))!;
        node.Remove("channelIds");
        node.Remove("escalationPolicyId");
        node.Remove("parentMonitorId");
        if (m.ChannelIds.Count > 0)
            node["channels"] = NameList(m.ChannelIds, names.Channels);
        if (m.EscalationPolicyId is { } policy)
            node["escalationPolicy"] = names.Policies.GetValueOrDefault(policy, policy.ToString());
        if (m.ParentMonitorId is { } parent)
            node["parentMonitor"] = names.Monitors.GetValueOrDefault(parent, parent.ToString());
        if (m.Paused)
            node["paused"] = true;
        if (!withSecrets)
            foreach (var path in MonitorSecrets)
                if (Locate(node, path) is ({ } parentNode, var key) && parentNode.ContainsKey(key))
                    parentNode[key] = SecretReference(m.Name, path);
        return node;
    }

    /// The public settings the Gateway keeps, with a reference where each secret field goes: a webhook's headers
    /// one by one (their names are known), every other secret field of the kind as a whole.
    public static JsonObject ChannelNode(Channel c)
    {
        var settings = JsonNode.Parse(c.PublicSettings().GetRawText())!.AsObject();
        var headerNames = settings["headerNames"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
        settings.Remove("headerNames");
        foreach (var secret in ChannelSettingsSpec.Secrets.GetValueOrDefault(c.Type, []))
            if (c.Type == ChannelKinds.Webhook && secret == "headers")
            {
                if (headerNames.Count > 0)
                    settings["headers"] = new JsonObject(headerNames.Select(h =>
                        KeyValuePair.Create(h, (JsonNode?)SecretReference(c.Name, $"headers.{h}"))));
            }
            else
                settings[secret] = SecretReference(c.Name, secret);
        return new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["settings"] = Canon(settings) };
    }

    public static JsonObject PolicyNode(EscalationPolicy p, Names names) => new()
    {
        ["name"] = p.Name,
        ["levels"] = new JsonArray(p.Levels.Select(l => (JsonNode)Canon(new JsonObject
        {
            ["afterConsecutiveFailures"] = l.AfterConsecutiveFailures,
            ["afterMinutes"] = l.AfterMinutes,
            ["channels"] = NameList(l.ChannelIds, names.Channels),
        })!).ToArray()),
    };

    public static JsonObject RuleNode(AlertRule r, Names names) => (JsonObject)Canon(new JsonObject
    {
        ["name"] = r.Name,
        ["monitors"] = NameList(r.MonitorIds, names.Monitors),
        ["tags"] = new JsonArray(r.Tags.Select(t => (JsonNode?)t).ToArray()),
        ["consecutiveFailures"] = r.ConsecutiveFailures,
        ["channels"] = NameList(r.ChannelIds, names.Channels),
        ["maxAlertsPerHour"] = r.MaxAlertsPerHour,
    })!;

    public static JsonObject WindowNode(MaintenanceWindow w, Names names) => (JsonObject)Canon(new JsonObject
    {
        ["name"] = w.Name,
        ["monitors"] = NameList(w.MonitorIds, names.Monitors),
        ["tags"] = new JsonArray(w.Tags.Select(t => (JsonNode?)t).ToArray()),
        ["startsAt"] = w.StartsAt is { } s ? JsonSerializer.SerializeToNode(s, Json) : null,
        ["endsAt"] = w.EndsAt is { } e ? JsonSerializer.SerializeToNode(e, Json) : null,
        ["cron"] = w.Cron,
        ["durationSeconds"] = w.DurationSeconds,
        ["timeZone"] = w.TimeZone,
    })!;

    public static JsonObject StatusPageNode(StatusPage p, Names names) => (JsonObject)Canon(new JsonObject
    {
        ["slug"] = p.Slug,
        ["title"] = p.Title,
        ["description"] = p.Description,
        ["groups"] = new JsonArray(p.Groups.Select(g => (JsonNode?)new JsonObject
        {
            ["name"] = g.Name,
            ["monitors"] = NameList(g.MonitorIds, names.Monitors),
        }).ToArray()),
        ["customDomain"] = p.CustomDomain,
        ["historyDays"] = p.HistoryDays,
        ["public"] = p.Public,
    })!;

    /// The monitor by name (or its tag). An empty burnRateAlerts list stays in the file: absent means the defaults,
    /// empty means no burn-rate alerts.
    public static JsonObject SloNode(Slo s, Names names)
    {
        var node = (JsonObject)Canon(new JsonObject
        {
            ["name"] = s.Name,
            ["monitor"] = s.MonitorId is { } monitor ? names.Monitors.GetValueOrDefault(monitor, monitor.ToString()) : null,
            ["tag"] = s.Tag,
            ["objectivePercent"] = s.ObjectivePercent,
            ["windowDays"] = s.WindowDays,
            ["burnRateAlerts"] = JsonSerializer.SerializeToNode(s.BurnRateAlerts, Json),
            ["channels"] = NameList(s.ChannelIds, names.Channels),
        })!;
        if (s.BurnRateAlerts.Count == 0)
            node["burnRateAlerts"] = new JsonArray();
        return node;
    }

    static JsonArray NameList(IEnumerable<Guid> ids, IReadOnlyDictionary<Guid, string> names) =>
        new(ids.Select(id => (JsonNode?)names.GetValueOrDefault(id, id.ToString())).ToArray());

    /// The object holding the last segment of a dotted path, and that segment.
    public static (JsonObject? Parent, string Key) Locate(JsonObject root, string path)
    {
        var parts = path.Split('.');
        JsonObject? current = root;
        foreach (var part in parts[..^1])
            current = current?[part] as JsonObject;
        return (current, parts[^1]);
    }

    /// Names of objects by id, for writing references.
    public sealed record Names(
        IReadOnlyDictionary<Guid, string> Channels, IReadOnlyDictionary<Guid, string> Policies, IReadOnlyDictionary<Guid, string> Monitors);

    [GeneratedRegex(@"^\$\{secret:(?<name>.+)/(?<field>[^/]+)\}$")]
    private static partial Regex ReferencePattern();

    /// YAML writes `expectedStatus: [200]` or `chatId: -100123` without quotes; a string field takes them as text.
    sealed class LenientStringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => null,
            _ => throw new JsonException($"Expected a string, not {reader.TokenType}."),
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
