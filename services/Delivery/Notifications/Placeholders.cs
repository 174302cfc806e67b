using System.Globalization;
using Sentinel.Contracts;

namespace Sentinel.Delivery.Notifications;

/// Fills `{{name}}` placeholders (MessagePlaceholders.Names) in a custom message or a webhook body template. An unknown
/// name is left as written: the Gateway rejects those at write time, so one here is from an older template.
public static class Placeholders
{
    public static IReadOnlyDictionary<string, string> ValuesFor(SendNotification n, string incidentUrl) =>
        new Dictionary<string, string>
        {
            ["monitor.name"] = n.MonitorName,
            ["monitor.id"] = n.MonitorId.ToString(),
            ["event"] = n.Event,
            ["status"] = n.Status,
            ["error"] = n.Error ?? "",
            ["duration"] = NotificationText.Duration((n.ResolvedAt ?? n.OccurredAt) - n.FirstFailureAt),
            ["incident.id"] = n.IncidentId.ToString(),
            ["incident.url"] = incidentUrl,
            ["incident.started_at"] = Timestamp(n.FirstFailureAt),
            ["incident.resolved_at"] = n.ResolvedAt is { } resolved ? Timestamp(resolved) : "",
            ["tags"] = string.Join(", ", n.Tags ?? []),
            ["timestamp"] = Timestamp(n.OccurredAt),
        };

    /// escape turns each value into what may stand in the output (e.g. JSON string content for a body template).
    public static string Render(string template, IReadOnlyDictionary<string, string> values, Func<string, string>? escape = null) =>
        MessagePlaceholders.Pattern().Replace(template, m =>
            values.TryGetValue(m.Groups["name"].Value, out var value) ? (escape is null ? value : escape(value)) : m.Value);

    public static string Timestamp(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
