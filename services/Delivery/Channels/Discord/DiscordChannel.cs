using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Discord;

/// Discord webhook with one embed: coloured side bar, title linking to the incident, inline fields, timestamp.
public sealed class DiscordChannel(ChannelHttp http) : INotificationChannel
{
    public string Type => ChannelKinds.Discord;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<DiscordChannelSettings>();
        if (settings is null || !ChannelHttp.TryUrl(settings.WebhookUrl, out var url))
            return Task.FromResult(SendResult.BadSettings(Type));
        return http.PostJsonAsync(url, Payload(message, settings), message.Source.NotificationId, ct);
    }

    public static object Payload(NotificationMessage m, DiscordChannelSettings settings) => new
    {
        username = settings.Username ?? "Sentinel",
        // Mentions in a monitor's name or error must not ping anybody.
        allowed_mentions = new { parse = Array.Empty<string>() },
        embeds = new[]
        {
            new
            {
                title = Truncate(m.Title, 256),
                url = m.IsTest ? null : m.IncidentUrl,
                description = Truncate(m.Text, 4096),
                color = m.ColorInt,
                fields = m.Fields.Take(25).Select(f => new { name = f.Name, value = Truncate(f.Value, 1024), inline = f.Value.Length <= 40 }).ToArray(),
                timestamp = m.Timestamp,
                footer = new { text = "Sentinel" },
            },
        },
    };

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
