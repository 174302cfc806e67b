using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Gotify;

/// Gotify message API (app token in X-Gotify-Key): Markdown body, priority, and a click-through to the incident.
public sealed class GotifyChannel(ChannelHttp http) : INotificationChannel
{
    public string Type => ChannelKinds.Gotify;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<GotifyChannelSettings>();
        if (settings is null || string.IsNullOrWhiteSpace(settings.AppToken) || !ChannelHttp.TryUrl(settings.ServerUrl, out var server))
            return Task.FromResult(SendResult.BadSettings(Type));
        return http.PostJsonAsync(ChannelHttp.Join(server.ToString(), "/message"), Payload(message, settings),
            message.Source.NotificationId, ct, request => request.Headers.TryAddWithoutValidation("X-Gotify-Key", settings.AppToken));
    }

    public static object Payload(NotificationMessage m, GotifyChannelSettings settings)
    {
        var extras = new Dictionary<string, object> { ["client::display"] = new { contentType = "text/markdown" } };
        if (!m.IsTest)
            extras["client::notification"] = new { click = new { url = m.IncidentUrl } };
        return new
        {
            title = m.Title,
            message = m.Text + "\n\n" + string.Join('\n', m.Fields.Select(f => $"**{f.Name}:** {f.Value}")),
            priority = settings.Priority ?? (m.IsRecovery || m.IsTest ? 4 : 8),
            extras,
        };
    }
}
