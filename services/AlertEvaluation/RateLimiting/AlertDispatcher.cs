using Sentinel.AlertEvaluation.History;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.AlertEvaluation.RateLimiting;

/// Turns the evaluator's alerts into SendNotification commands in the outbox (committed with the state change), after
/// the rate limits; every alert, sent or suppressed, leaves a line in the alert history.
public sealed class AlertDispatcher(AlertingDb db, AlertRateLimiter limiter, IConfiguration configuration)
{
    public async Task DispatchAsync(IReadOnlyList<Alert> alerts, DateTimeOffset now, CancellationToken ct)
    {
        var verdicts = await limiter.TryAcquireAllAsync(alerts.Select(Limits).ToList(), ct);
        for (var i = 0; i < alerts.Count; i++)
        {
            var alert = alerts[i];
            var message = alert.Message;
            var verdict = verdicts[i];
            var incidentId = alert.Incident?.Id ?? (alert.Kind == AlertKind.Rule ? null : message.IncidentId);
            if (!verdict.Allowed)
            {
                db.History.Add(AlertHistoryEntry.ForNotification(message, incidentId, HistoryKinds.Suppressed, alert.Rule?.RuleId, verdict.Reason, now));
                continue;
            }
            db.Outbox.Add(OutboxMessage.Send(message, Queues.SendNotification, now));
            db.History.Add(AlertHistoryEntry.ForNotification(message, incidentId, HistoryKinds.Notified, alert.Rule?.RuleId, verdict.Note, now));
            if (alert.Kind != AlertKind.Recovery && alert.Incident is { } incident && !incident.NotifiedChannelIds.Contains(message.ChannelId))
                incident.NotifiedChannelIds.Add(message.ChannelId);
        }
    }

    /// Which windows an alert counts against. Recoveries count against none: whoever heard "down" must hear "up".
    IReadOnlyList<RateLimit> Limits(Alert alert)
    {
        var m = alert.Message;
        var channel = new RateLimit($"channel:{m.ChannelId}",
            configuration.GetValue("Alerting:RateLimits:ChannelMaxAlerts", 30),
            TimeSpan.FromSeconds(configuration.GetValue("Alerting:RateLimits:ChannelWindowSeconds", 60)),
            m.NotificationId.ToString("N"));
        // The event, not the notification: one incident going down counts once against its monitor however many
        // channels hear of it.
        var monitor = new RateLimit($"monitor:{m.MonitorId}",
            configuration.GetValue("Alerting:RateLimits:MonitorMaxAlerts", 10),
            TimeSpan.FromSeconds(configuration.GetValue("Alerting:RateLimits:MonitorWindowSeconds", 3600)),
            $"{m.IncidentId:N}:{alert.Kind}");
        return alert.Kind switch
        {
            AlertKind.Recovery => [],
            AlertKind.Rule => [new RateLimit($"rule:{alert.Rule!.RuleId}", alert.Rule.MaxAlertsPerHour, TimeSpan.FromHours(1), $"{m.IncidentId:N}:{m.MonitorId:N}"), channel],
            AlertKind.Down or AlertKind.Flapping => [monitor, channel],
            _ => [channel],
        };
    }
}
