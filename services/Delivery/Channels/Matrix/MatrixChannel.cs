using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Matrix;

/// Matrix client-server API: an m.room.message with plain and HTML bodies, PUT with the notification id as the
/// transaction id, so the homeserver itself drops a repeated send.
public sealed class MatrixChannel(ChannelHttp http) : INotificationChannel
{
    public string Type => ChannelKinds.Matrix;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<MatrixChannelSettings>();
        if (settings is null || string.IsNullOrWhiteSpace(settings.AccessToken) || string.IsNullOrWhiteSpace(settings.RoomId)
            || !ChannelHttp.TryUrl(settings.HomeserverUrl, out var server))
            return Task.FromResult(SendResult.BadSettings(Type));
        var path = $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(settings.RoomId)}/send/m.room.message/{message.Source.NotificationId:N}";
        var request = new HttpRequestMessage(HttpMethod.Put, ChannelHttp.Join(server.ToString(), path))
        {
            Content = ChannelHttp.Json(Payload(message)),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {settings.AccessToken}");
        return http.SendAsync(request, message.Source.NotificationId, ct);
    }

    public static object Payload(NotificationMessage m)
    {
        var plain = $"{m.Title}\n{m.Text}\n" + string.Join('\n', m.Fields.Select(f => $"{f.Name}: {f.Value}"))
            + (m.IsTest ? "" : $"\n{m.IncidentUrl}");
        var html = $"<h4><font color=\"{m.ColorHex}\">{NotificationMessage.HtmlEscape(m.Title)}</font></h4>"
            + $"<p>{NotificationMessage.HtmlEscape(m.Text)}</p><ul>"
            + string.Concat(m.Fields.Select(f => $"<li><b>{NotificationMessage.HtmlEscape(f.Name)}:</b> {NotificationMessage.HtmlEscape(f.Value)}</li>"))
            + "</ul>"
            + (m.IsTest ? "" : $"<p><a href=\"{NotificationMessage.HtmlEscape(m.IncidentUrl)}\">View incident</a></p>");
        return new { msgtype = m.IsRecovery || m.IsTest ? "m.notice" : "m.text", body = plain, format = "org.matrix.custom.html", formatted_body = html };
    }
}
