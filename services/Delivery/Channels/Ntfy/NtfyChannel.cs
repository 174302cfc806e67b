using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Ntfy;

/// ntfy JSON publish (POST to the server root with the topic in the body): Markdown message, priority, emoji tags,
/// a click-through to the incident.
public sealed class NtfyChannel(ChannelHttp http) : INotificationChannel
{
    public const string DefaultServerUrl = "https://ntfy.sh";

    public string Type => ChannelKinds.Ntfy;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<NtfyChannelSettings>();
        if (settings is null || string.IsNullOrWhiteSpace(settings.Topic) || !ChannelHttp.TryUrl(settings.ServerUrl ?? DefaultServerUrl, out var server))
            return Task.FromResult(SendResult.BadSettings(Type));
        return http.PostJsonAsync(server, Payload(message, settings), message.Source.NotificationId, ct, request =>
        {
            if (!string.IsNullOrWhiteSpace(settings.AccessToken))
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {settings.AccessToken}");
        });
    }

    public static object Payload(NotificationMessage m, NtfyChannelSettings settings) => new
    {
        topic = settings.Topic,
        title = m.Title,
        message = m.Text + "\n\n" + string.Join('\n', m.Fields.Select(f => $"**{f.Name}:** {f.Value}")),
        markdown = true,
        priority = settings.Priority ?? (m.IsRecovery || m.IsTest ? 3 : 5),
        tags = new[]
        {
            m.Event switch
            {
                NotificationEvents.Up => "white_check_mark",
                NotificationEvents.Reminder => "repeat",
                NotificationEvents.Escalation => "rotating_light",
                NotificationText.TestEvent => "test_tube",
                _ => "red_circle",
            },
        },
        click = m.IsTest ? null : m.IncidentUrl,
    };
}
