using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.PagerDuty;

/// PagerDuty Events API v2: down, reminder and escalation trigger, up resolves, all with dedup_key = incident id, so
/// PagerDuty keeps one alert per incident however often we repeat ourselves.
public sealed class PagerDutyChannel(ChannelHttp http) : INotificationChannel
{
    public const string DefaultApiUrl = "https://events.pagerduty.com";

    public string Type => ChannelKinds.PagerDuty;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<PagerDutyChannelSettings>();
        if (settings is null || string.IsNullOrWhiteSpace(settings.RoutingKey) || !ChannelHttp.TryUrl(settings.ApiUrl ?? DefaultApiUrl, out var api))
            return Task.FromResult(SendResult.BadSettings(Type));
        return http.PostJsonAsync(ChannelHttp.Join(api.ToString(), "/v2/enqueue"), Payload(message, settings),
            message.Source.NotificationId, ct);
    }

    public static object Payload(NotificationMessage m, PagerDutyChannelSettings settings)
    {
        // A test must not page anybody twice or leave an alert open: its own key, severity info.
        var dedupKey = m.IsTest ? $"sentinel-test-{m.Source.NotificationId}" : m.Source.IncidentId.ToString();
        if (m.IsRecovery)
            return new { routing_key = settings.RoutingKey, event_action = "resolve", dedup_key = dedupKey };
        return new
        {
            routing_key = settings.RoutingKey,
            event_action = "trigger",
            dedup_key = dedupKey,
            client = "Sentinel",
            client_url = m.IsTest ? null : m.IncidentUrl,
            payload = new
            {
                summary = Truncate($"{m.Title}: {m.Text}", 1024),
                source = m.Source.MonitorName,
                severity = m.IsTest ? "info" : settings.Severity ?? "critical",
                timestamp = m.Timestamp,
                component = m.Source.MonitorName,
                @class = m.Event,
                custom_details = m.Fields.ToDictionary(f => f.Name, f => f.Value),
            },
            links = m.IsTest ? null : new[] { new { href = m.IncidentUrl, text = "Sentinel incident" } },
        };
    }

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
