using MimeKit;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;
using Sentinel.Testing;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Channels;

public sealed class EmailChannelTests
{
    [Test]
    public async Task A_mail_goes_over_STARTTLS_with_login_and_has_plain_text_and_HTML_parts()
    {
        await using var smtp = new SmtpReceiver();
        var channel = await ChannelAsync(ChannelKinds.Email, new EmailChannelSettings(
            "127.0.0.1", "Sentinel <alerts@example.com>", ["ops@example.com", "oncall@example.com"], smtp.Port, "starttls",
            "alerts", "pw", IgnoreTlsErrors: true));
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        var mail = smtp.Mails.Single();
        using var parsed = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Data)));
        var alternative = (Multipart)parsed.Body!;
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(mail.OverTls, Is.True, "STARTTLS was used");
            Assert.That(mail.User, Is.EqualTo("alerts"));
            Assert.That(mail.Recipients, Is.EqualTo(new[] { "ops@example.com", "oncall@example.com" }));
            Assert.That(parsed.Subject, Is.EqualTo("🔴 DOWN: api"));
            Assert.That(parsed.MessageId, Is.EqualTo($"{command.NotificationId:N}@sentinel"));
            Assert.That(alternative.ContentType.MimeType, Is.EqualTo("multipart/alternative"));
            Assert.That(alternative.OfType<TextPart>().Select(p => p.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));
            Assert.That(parsed.TextBody, Does.Contain("Monitor 'api' is DOWN: connection refused"));
            Assert.That(parsed.HtmlBody, Does.Contain("<h2 style=\"margin:0 0 8px\">🔴 DOWN: api</h2>"));
        });
    }

    [Test]
    public async Task A_certificate_the_channel_does_not_trust_fails_permanently()
    {
        await using var smtp = new SmtpReceiver();
        var channel = await ChannelAsync(ChannelKinds.Email, new EmailChannelSettings(
            "127.0.0.1", "alerts@example.com", ["ops@example.com"], smtp.Port, "starttls"));
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Failed));
            Assert.That(delivery.Attempts, Is.EqualTo(1));
            Assert.That(delivery.LastError, Does.Contain("TLS"));
            Assert.That(smtp.Mails, Is.Empty);
        });
    }

    [Test]
    public async Task A_4xx_reply_is_retried_and_a_5xx_reply_is_not()
    {
        await using var smtp = new SmtpReceiver();
        smtp.MailFromReplies.Enqueue("451 try again later");
        var channel = await ChannelAsync(ChannelKinds.Email, new EmailChannelSettings(
            "127.0.0.1", "alerts@example.com", ["ops@example.com"], smtp.Port, "none"));
        var deferred = DownNotification(channel);
        await SendAsync(deferred);
        var delivered = await FinalDeliveryAsync(deferred.NotificationId);

        smtp.MailFromReplies.Enqueue("550 sender rejected");
        var refused = DownNotification(channel);
        await SendAsync(refused);
        var failed = await FinalDeliveryAsync(refused.NotificationId);

        Assert.Multiple(() =>
        {
            Assert.That(delivered!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(delivered.Attempts, Is.EqualTo(2));
            Assert.That(failed!.Status, Is.EqualTo(DeliveryStatuses.Failed));
            Assert.That(failed.Attempts, Is.EqualTo(1));
            Assert.That(failed.LastStatusCode, Is.EqualTo(550));
        });
    }
}
