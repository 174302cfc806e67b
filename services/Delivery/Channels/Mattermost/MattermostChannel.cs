using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Mattermost;

/// Mattermost incoming webhook: Markdown text plus a Slack-style message attachment (colour bar, title link, fields).
public sealed class MattermostChannel(ChannelHttp http) : INotificationChannel
{
    public string Type => ChannelKinds.Mattermost;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<MattermostChannelSettings>();
        if (settings is null || !ChannelHttp.TryUrl(settings.WebhookUrl, out var url))
            return Task.FromResult(SendResult.BadSettings(Type));
        return http.PostJsonAsync(url, Payload(message, settings), message.Source.NotificationId, ct);
    }

    public static object Payload(NotificationMessage m, MattermostChannelSettings settings) => new
    {
        channel = settings.Channel,
        username = settings.Username ?? "Sentinel",
        attachments = new[]
        {
            new
            {
                fallback = $"{m.Title}: {m.Text}",
                color = m.ColorHex,
                title = m.Title,
                title_link = m.IsTest ? null : m.IncidentUrl,
                text = m.Text,
                fields = m.Fields.Select(f => new { @short = f.Value.Length <= 40, title = f.Name, value = f.Value }).ToArray(),
                footer = $"Sentinel · {m.Timestamp}",
            },
        },
    };
}
