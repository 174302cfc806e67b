using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.GoogleChat;

/// Google Chat space webhook with a cardsV2 card: header, the sentence, one decorated line per fact, a button.
/// Google Chat wants a thread key per incident so a recovery lands under its outage.
public sealed class GoogleChatChannel(ChannelHttp http) : INotificationChannel
{
    public string Type => ChannelKinds.GoogleChat;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<GoogleChatChannelSettings>();
        if (settings is null || !ChannelHttp.TryUrl(settings.WebhookUrl, out var url))
            return Task.FromResult(SendResult.BadSettings(Type));
        var threaded = new UriBuilder(url)
        {
            Query = (url.Query.Length > 1 ? url.Query[1..] + "&" : "") + "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD",
        }.Uri;
        return http.PostJsonAsync(threaded, Payload(message), message.Source.NotificationId, ct);
    }

    public static object Payload(NotificationMessage m)
    {
        var widgets = new List<object> { new { textParagraph = new { text = NotificationMessage.HtmlEscape(m.Text) } } };
        widgets.AddRange(m.Fields.Select(f => new { decoratedText = new { topLabel = f.Name, text = NotificationMessage.HtmlEscape(f.Value), wrapText = true } }));
        if (!m.IsTest)
            widgets.Add(new
            {
                buttonList = new
                {
                    buttons = new[] { new { text = "View incident", onClick = new { openLink = new { url = m.IncidentUrl } } } },
                },
            });
        return new
        {
            text = m.Title,
            thread = new { threadKey = $"sentinel-{m.Source.IncidentId}" },
            cardsV2 = new[]
            {
                new
                {
                    cardId = $"sentinel-{m.Source.NotificationId}",
                    card = new
                    {
                        header = new { title = m.Title, subtitle = $"Sentinel · {m.Timestamp}" },
                        sections = new[] { new { widgets = widgets.ToArray() } },
                    },
                },
            },
        };
    }
}
