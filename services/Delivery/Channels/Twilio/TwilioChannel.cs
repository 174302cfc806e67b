using System.Net.Http.Headers;
using System.Text;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Twilio;

/// Twilio Programmable Messaging: one short SMS (at most two segments) per notification.
public sealed class TwilioChannel(ChannelHttp http) : INotificationChannel
{
    public const string DefaultApiUrl = "https://api.twilio.com";
    const int MaxLength = 306; // two concatenated GSM-7 segments

    public string Type => ChannelKinds.Twilio;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<TwilioChannelSettings>();
        if (settings is null || string.IsNullOrWhiteSpace(settings.AccountSid) || string.IsNullOrWhiteSpace(settings.AuthToken)
            || string.IsNullOrWhiteSpace(settings.From) || string.IsNullOrWhiteSpace(settings.To)
            || !ChannelHttp.TryUrl(settings.ApiUrl ?? DefaultApiUrl, out var api))
            return Task.FromResult(SendResult.BadSettings(Type));
        var path = $"/2010-04-01/Accounts/{Uri.EscapeDataString(settings.AccountSid)}/Messages.json";
        var request = new HttpRequestMessage(HttpMethod.Post, ChannelHttp.Join(api.ToString(), path))
        {
            Content = new FormUrlEncodedContent([new("To", settings.To), new("From", settings.From), new("Body", Body(message))]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}")));
        return http.SendAsync(request, message.Source.NotificationId, ct);
    }

    /// "[Sentinel] DOWN api: connection refused (since 05:00Z)" — no emoji: one would force UCS-2 and halve the length.
    public static string Body(NotificationMessage m)
    {
        var text = m.IsTest
            ? "[Sentinel] Test notification: this channel works."
            : string.IsNullOrWhiteSpace(m.Source.CustomMessage)
                ? $"[Sentinel] {m.Short}" + (m.IsRecovery ? $" (down for {m.Duration})" : $" (since {m.Source.FirstFailureAt.UtcDateTime:HH:mm}Z)")
                : $"[Sentinel] {m.Text}";
        return text.Length <= MaxLength ? text : text[..(MaxLength - 1)] + "…";
    }
}
