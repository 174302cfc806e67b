using System.Globalization;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Pushover;

/// Pushover Messages API: an HTML message (html=1) with a link to the incident; high priority for outages.
public sealed class PushoverChannel(ChannelHttp http) : INotificationChannel
{
    public const string DefaultApiUrl = "https://api.pushover.net";

    public string Type => ChannelKinds.Pushover;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<PushoverChannelSettings>();
        if (settings is null || string.IsNullOrWhiteSpace(settings.UserKey) || string.IsNullOrWhiteSpace(settings.AppToken)
            || !ChannelHttp.TryUrl(settings.ApiUrl ?? DefaultApiUrl, out var api))
            return Task.FromResult(SendResult.BadSettings(Type));
        var request = new HttpRequestMessage(HttpMethod.Post, ChannelHttp.Join(api.ToString(), "/1/messages.json"))
        {
            Content = new FormUrlEncodedContent(Form(message, settings)),
        };
        return http.SendAsync(request, message.Source.NotificationId, ct);
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Form(NotificationMessage m, PushoverChannelSettings settings)
    {
        var priority = settings.Priority ?? (m.IsRecovery || m.IsTest ? 0 : 1);
        var form = new List<KeyValuePair<string, string>>
        {
            new("token", settings.AppToken),
            new("user", settings.UserKey),
            new("title", m.Title),
            new("message", $"{NotificationMessage.HtmlEscape(m.Text)}\n\n" + string.Join('\n',
                m.Fields.Select(f => $"<b>{NotificationMessage.HtmlEscape(f.Name)}:</b> {NotificationMessage.HtmlEscape(f.Value)}"))),
            new("html", "1"),
            new("priority", priority.ToString(CultureInfo.InvariantCulture)),
            new("timestamp", m.Source.OccurredAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (!m.IsTest)
        {
            form.Add(new("url", m.IncidentUrl));
            form.Add(new("url_title", "View incident"));
        }
        if (priority == 2)
        {
            // Emergency priority needs a repeat interval and an expiry.
            form.Add(new("retry", "60"));
            form.Add(new("expire", "3600"));
        }
        if (!string.IsNullOrWhiteSpace(settings.Device))
            form.Add(new("device", settings.Device));
        return form;
    }
}
