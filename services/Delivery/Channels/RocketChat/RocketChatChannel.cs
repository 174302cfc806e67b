using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.RocketChat;

/// Rocket.Chat incoming webhook: a bold title line and an attachment with colour, link and fields.
public sealed class RocketChatChannel(ChannelHttp http) : INotificationChannel
{
    public string Type => ChannelKinds.RocketChat;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<RocketChatChannelSettings>();
        if (settings is null || !ChannelHttp.TryUrl(settings.WebhookUrl, out var url))
            return Task.FromResult(SendResult.BadSettings(Type));
        return http.PostJsonAsync(url, Payload(message, settings), message.Source.NotificationId, ct);
    }

    public static object Payload(NotificationMessage m, RocketChatChannelSettings settings) => new
    {
        channel = settings.Channel,
        alias = settings.Username ?? "Sentinel",
        text = $"*{m.Title}*",
        attachments = new[]
        {
            new
            {
                title = m.Title,
                title_link = m.IsTest ? null : m.IncidentUrl,
                text = m.Text,
                color = m.ColorHex,
                ts = m.Timestamp,
                fields = m.Fields.Select(f => new { @short = f.Value.Length <= 40, title = f.Name, value = f.Value }).ToArray(),
            },
        },
    };
}
