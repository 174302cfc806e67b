using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Slack;

/// Slack incoming webhook with Block Kit: a header, the sentence, the facts as fields, a button to the incident, all
/// inside a coloured attachment bar; `text` is the fallback a notification banner shows.
public sealed class SlackChannel(ChannelHttp http) : INotificationChannel
{
    public string Type => ChannelKinds.Slack;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<SlackChannelSettings>();
        if (settings is null || !ChannelHttp.TryUrl(settings.WebhookUrl, out var url))
            return Task.FromResult(SendResult.BadSettings(Type));
        return http.PostJsonAsync(url, Payload(message, settings), message.Source.NotificationId, ct);
    }

    public static object Payload(NotificationMessage m, SlackChannelSettings settings) => new
    {
        channel = settings.Channel,
        username = settings.Username,
        text = $"{m.Title}: {m.Text}",
        attachments = new[]
        {
            new
            {
                color = m.ColorHex,
                blocks = Blocks(m),
            },
        },
    };

    static object[] Blocks(NotificationMessage m)
    {
        var blocks = new List<object>
        {
            new { type = "header", text = new { type = "plain_text", text = Truncate(m.Title, 150), emoji = true } },
            new { type = "section", text = new { type = "mrkdwn", text = Escape(m.Text) } },
            new
            {
                type = "section",
                fields = m.Fields.Take(10).Select(f => new { type = "mrkdwn", text = $"*{Escape(f.Name)}*\n{Escape(f.Value)}" }).ToArray(),
            },
        };
        if (!m.IsTest)
            blocks.Add(new
            {
                type = "actions",
                elements = new[]
                {
                    new { type = "button", text = new { type = "plain_text", text = "View incident" }, url = m.IncidentUrl },
                },
            });
        blocks.Add(new { type = "context", elements = new[] { new { type = "mrkdwn", text = $"Sentinel · {m.Timestamp}" } } });
        return [.. blocks];
    }

    /// Slack's mrkdwn treats &, < and > as control characters.
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
