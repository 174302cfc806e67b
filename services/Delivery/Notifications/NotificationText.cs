using System.Globalization;
using Sentinel.Contracts;

namespace Sentinel.Delivery.Notifications;

/// The human sentence a channel shows: the monitor's custom message if it has one, else a readable default.
public static class NotificationText
{
    public static string For(SendNotification n)
    {
        if (!string.IsNullOrWhiteSpace(n.CustomMessage))
            return n.CustomMessage;
        if (n.Event == NotificationEvents.Up)
            return $"Monitor '{n.MonitorName}' is UP again after {Duration((n.ResolvedAt ?? n.OccurredAt) - n.FirstFailureAt)}";
        return string.IsNullOrWhiteSpace(n.Error)
            ? $"Monitor '{n.MonitorName}' is DOWN"
            : $"Monitor '{n.MonitorName}' is DOWN: {n.Error}";
    }

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
