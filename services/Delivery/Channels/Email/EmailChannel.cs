using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Email;

/// SMTP through MailKit: STARTTLS (required, not opportunistic), implicit TLS or plain, optional login; a
/// multipart/alternative mail with a plain-text and an HTML part. The Message-Id derives from the notification id,
/// so a mail sent twice after a crash threads as one.
public sealed class EmailChannel(IOptions<DeliveryOptions> options) : INotificationChannel
{
    public string Type => ChannelKinds.Email;

    public async Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<EmailChannelSettings>();
        if (settings is null || string.IsNullOrWhiteSpace(settings.Host) || settings.To is not { Count: > 0 }
            || !MailboxAddress.TryParse(settings.From, out var from))
            return SendResult.BadSettings(Type);
        var (security, port) = (settings.Security ?? "starttls") switch
        {
            "ssl" => (SecureSocketOptions.SslOnConnect, settings.Port ?? 465),
            "none" => (SecureSocketOptions.None, settings.Port ?? 25),
            _ => (SecureSocketOptions.StartTls, settings.Port ?? 587),
        };

        var mail = Compose(message, from, settings.To);
        using var smtp = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(options.Value.TimeoutSeconds).TotalMilliseconds };
        if (settings.IgnoreTlsErrors)
            smtp.ServerCertificateValidationCallback = (_, _, _, _) => true; // the operator's explicit choice (self-signed relay)
        try
        {
            await smtp.ConnectAsync(settings.Host, port, security, ct);
            if (!string.IsNullOrEmpty(settings.Username))
                await smtp.AuthenticateAsync(settings.Username, settings.Password ?? "", ct);
            await smtp.SendAsync(mail, ct);
            await smtp.DisconnectAsync(true, ct);
            return SendResult.Delivered(250);
        }
        catch (SmtpCommandException ex)
        {
            // 4xx: try later (greylisting, mailbox busy); 5xx: the server refuses for good.
            var code = (int)ex.StatusCode;
            var error = $"SMTP {code}: {ex.Message}";
            return code is >= 400 and < 500 ? SendResult.Transient(code, error) : SendResult.Permanent(code, error);
        }
        catch (AuthenticationException ex)
        {
            return SendResult.Permanent(null, $"SMTP login failed: {ex.Message}");
        }
        catch (SslHandshakeException ex)
        {
            return SendResult.Permanent(null, $"SMTP TLS handshake failed (certificate?): {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or ServiceNotConnectedException or SocketException or IOException
            or TimeoutException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return SendResult.Transient(null, $"SMTP connection failed: {ex.Message}");
        }
    }

    public static MimeMessage Compose(NotificationMessage m, MailboxAddress from, IEnumerable<string> to)
    {
        var mail = new MimeMessage
        {
            MessageId = $"{m.Source.NotificationId:N}@sentinel",
            Subject = m.Title,
            Date = m.Source.OccurredAt,
        };
        mail.From.Add(from);
        foreach (var address in to)
            mail.To.Add(MailboxAddress.Parse(address));
        mail.Headers.Add("X-Sentinel-Notification-Id", m.Source.NotificationId.ToString());
        if (!m.IsTest)
        {
            // Every mail of one incident in one thread: down, reminders, escalations and up.
            mail.References.Add($"incident-{m.Source.IncidentId:N}@sentinel");
        }
        var body = new BodyBuilder { TextBody = Text(m), HtmlBody = Html(m) };
        mail.Body = body.ToMessageBody();
        return mail;
    }

    public static string Text(NotificationMessage m) =>
        $"{m.Title}\n\n{m.Text}\n\n" + string.Join('\n', m.Fields.Select(f => $"{f.Name}: {f.Value}"))
        + (m.IsTest ? "" : $"\n\nView incident: {m.IncidentUrl}") + $"\n\n-- \nSentinel · {m.Timestamp}\n";

    public static string Html(NotificationMessage m)
    {
        static string E(string s) => NotificationMessage.HtmlEscape(s);
        var rows = string.Concat(m.Fields.Select(f =>
            $"<tr><td style=\"padding:4px 12px 4px 0;color:#667085\">{E(f.Name)}</td><td style=\"padding:4px 0\">{E(f.Value)}</td></tr>"));
        var button = m.IsTest
            ? ""
            : $"<p><a href=\"{E(m.IncidentUrl)}\" style=\"display:inline-block;padding:8px 16px;background:{m.ColorHex};color:#ffffff;text-decoration:none;border-radius:4px\">View incident</a></p>";
        return "<!DOCTYPE html><html><body style=\"font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#101828\">"
            + $"<div style=\"border-left:6px solid {m.ColorHex};padding:8px 16px\">"
            + $"<h2 style=\"margin:0 0 8px\">{E(m.Title)}</h2><p>{E(m.Text)}</p>"
            + $"<table style=\"border-collapse:collapse\">{rows}</table>{button}</div>"
            + $"<p style=\"color:#98a2b3;font-size:12px\">Sentinel · {E(m.Timestamp)}</p></body></html>";
    }
}
