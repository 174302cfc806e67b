using System.Globalization;
using Sentinel.Contracts;

namespace Sentinel.Delivery.Notifications;

/// What every channel kind formats: rendered once per send from the command, so all kinds say the same thing.
public sealed record NotificationMessage(
    SendNotification Source,
    string Title,
    string Text,
    string IncidentUrl,
    string Duration,
    IReadOnlyList<MessageField> Fields)
{
    public string Event => Source.Event;
    public bool IsRecovery => Source.Event is NotificationEvents.Up or SloNotificationEvents.Recovered;
    public bool IsTest => Source.Event == NotificationText.TestEvent;
    public string Timestamp => Placeholders.Timestamp(Source.OccurredAt);

    /// Red for down, orange for reminders, purple for escalations, green for up, blue for a test.
    public string ColorHex => Source.Event switch
    {
        NotificationEvents.Up or SloNotificationEvents.Recovered => "#2EB67D",
        NotificationEvents.Reminder => "#F79009",
        NotificationEvents.Escalation => "#7A2E8E",
        NotificationText.TestEvent => "#1F6FEB",
        _ => "#D92D20",
    };

    public int ColorInt => int.Parse(ColorHex.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// The one-line form for SMS and push titles: "DOWN api: connection refused".
    public string Short => IsTest
        ? "Sentinel test notification"
        : $"{Source.Event.ToUpperInvariant()} {Source.MonitorName}{(string.IsNullOrWhiteSpace(Source.Error) || IsRecovery ? "" : ": " + Source.Error)}";

    /// HTML escaping of what the markup needs (&, <, >, "), leaving emoji and accents readable in the source.
    public static string HtmlEscape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    /// incidentUrlTemplate has an `{incidentId}` hole (configuration Delivery:IncidentUrl).
    public static NotificationMessage From(SendNotification n, string incidentUrlTemplate)
    {
        var incidentUrl = incidentUrlTemplate.Replace("{incidentId}", n.IncidentId.ToString(), StringComparison.Ordinal);
        var duration = NotificationText.Duration((n.ResolvedAt ?? n.OccurredAt) - n.FirstFailureAt);
        // An SLO alert names the SLO, says how fast it burns, and since when (its events carry the SLO in Monitor*).
        var slo = n.Event is SloNotificationEvents.Burning or SloNotificationEvents.Recovered;
        var recovered = n.Event is NotificationEvents.Up or SloNotificationEvents.Recovered;
        var fields = new List<MessageField> { new(slo ? "SLO" : "Monitor", n.MonitorName), new("Status", n.Status.ToUpperInvariant()) };
        if (!string.IsNullOrWhiteSpace(n.Error) && !recovered)
            fields.Add(new(slo ? "Burn rate" : "Error", n.Error));
        if (n.Event != NotificationText.TestEvent)
            fields.Add(new((slo, recovered) switch
            {
                (true, true) => "Burned for",
                (true, false) => "Burning since",
                (false, true) => "Down for",
                _ => "Down since",
            }, recovered ? duration : $"{Placeholders.Timestamp(n.FirstFailureAt)} ({duration})"));
        if (n.EscalationLevel is { } level)
            fields.Add(new("Escalation level", level.ToString(CultureInfo.InvariantCulture)));
        if (n.AffectedMonitors is { Count: > 0 } affected)
            fields.Add(new("Also affected", string.Join(", ", affected)));
        if (n.Tags is { Count: > 0 } tags)
            fields.Add(new("Tags", string.Join(", ", tags)));
        return new(n, NotificationText.Title(n), NotificationText.For(n, incidentUrl), incidentUrl, duration, fields);
    }
}

public sealed record MessageField(string Name, string Value);
