using System.Globalization;
using Sentinel.Contracts;

namespace Sentinel.Delivery.Notifications;

/// The human sentence a channel shows: the monitor's custom message (placeholders filled) if it has one, else a
/// readable default per event.
public static class NotificationText
{
    public const string TestEvent = "test";

    public static string For(SendNotification n, string? incidentUrl = null)
    {
        if (!string.IsNullOrWhiteSpace(n.CustomMessage))
            return Placeholders.Render(n.CustomMessage, Placeholders.ValuesFor(n, incidentUrl ?? ""));
        var downFor = Duration(n.OccurredAt - n.FirstFailureAt);
        var error = string.IsNullOrWhiteSpace(n.Error) ? "" : $": {n.Error}";
        return n.Event switch
        {
            NotificationEvents.Up =>
                $"Monitor '{n.MonitorName}' is UP again after {Duration((n.ResolvedAt ?? n.OccurredAt) - n.FirstFailureAt)}",
            NotificationEvents.Reminder => $"Monitor '{n.MonitorName}' is still DOWN after {downFor}{error}",
            NotificationEvents.Escalation =>
                $"Monitor '{n.MonitorName}' is still DOWN after {downFor}, escalated{(n.EscalationLevel is { } level ? $" to level {level}" : "")}{error}",
            TestEvent => "This is a test notification from Sentinel. If you can read it, the channel works.",
            SloNotificationEvents.Burning => $"SLO '{n.MonitorName}' is burning its error budget too fast{error}",
            SloNotificationEvents.Recovered =>
                $"SLO '{n.MonitorName}' is back within its burn-rate thresholds after {Duration((n.ResolvedAt ?? n.OccurredAt) - n.FirstFailureAt)}",
            NotificationEvents.LocationUnknown =>
                $"Check {n.MonitorName} is UNKNOWN: its results cannot be trusted and change no monitor's state{error}",
            NotificationEvents.LocationRecovered => $"Check {n.MonitorName} is healthy again after {downFor}",
            _ => $"Monitor '{n.MonitorName}' is DOWN{error}",
        };
    }

    /// The title a channel shows above the sentence (subject line, embed title, card header).
    public static string Title(SendNotification n) => n.Event switch
    {
        NotificationEvents.Up => $"✅ UP: {n.MonitorName}",
        NotificationEvents.Reminder => $"🔁 Still DOWN: {n.MonitorName}",
        NotificationEvents.Escalation =>
            $"🚨 Escalation{(n.EscalationLevel is { } level ? $" (level {level})" : "")}: {n.MonitorName} is DOWN",
        TestEvent => "🧪 Sentinel test notification",
        SloNotificationEvents.Burning => $"🔥 SLO burning: {n.MonitorName}",
        SloNotificationEvents.Recovered => $"✅ SLO OK: {n.MonitorName}",
        NotificationEvents.LocationUnknown => $"⚠️ UNKNOWN: check {n.MonitorName}",
        NotificationEvents.LocationRecovered => $"✅ Healthy again: check {n.MonitorName}",
        _ => $"🔴 DOWN: {n.MonitorName}",
    };

    /// The two largest units that matter: "2m 10s", "1h 5m", "3d", "45s".
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
            return "0s";
        (long Value, string Unit)[] parts =
        [
            (span.Days, "d"), (span.Hours, "h"), (span.Minutes, "m"), (span.Seconds, "s"),
        ];
        var first = Array.FindIndex(parts, p => p.Value > 0);
        var shown = parts.Skip(first).Take(2).Where(p => p.Value > 0)
            .Select(p => p.Value.ToString(CultureInfo.InvariantCulture) + p.Unit);
        return string.Join(' ', shown);
    }
}
