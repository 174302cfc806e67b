using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;
using Sentinel.Testing;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Notifications;

public sealed class SendNotificationTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_notification_is_posted_once_with_the_documented_body_and_headers()
    {
        var hook = Receiver.NewHook();
        var channel = await WebhookChannelAsync(hook, headers: new Dictionary<string, string>
        {
            ["Authorization"] = "Bearer s3cret",
            ["X-Team"] = "ops",
        });
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        var request = Receiver.RequestsTo(hook).Single();
        using var body = JsonDocument.Parse(request.Body);
        var json = body.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(delivery.Attempts, Is.EqualTo(1));
            Assert.That(delivery.LastStatusCode, Is.EqualTo(200));
            Assert.That(delivery.DeliveredAt, Is.Not.Null);
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Headers["Content-Type"], Does.StartWith("application/json"));
            Assert.That(request.Headers["X-Sentinel-Notification-Id"], Is.EqualTo(command.NotificationId.ToString()));
            Assert.That(request.Headers["User-Agent"], Is.EqualTo("Sentinel"));
            // Not chunked: simple receivers (and some proxies) read only bodies with a Content-Length.
            Assert.That(request.Headers["Content-Length"], Is.EqualTo(System.Text.Encoding.UTF8.GetByteCount(request.Body).ToString()));
            Assert.That(request.Headers["Authorization"], Is.EqualTo("Bearer s3cret"));
            Assert.That(request.Headers["X-Team"], Is.EqualTo("ops"));
            Assert.That(json.GetProperty("event").GetString(), Is.EqualTo("down"));
            Assert.That(json.GetProperty("notificationId").GetGuid(), Is.EqualTo(command.NotificationId));
            Assert.That(json.GetProperty("incidentId").GetGuid(), Is.EqualTo(command.IncidentId));
            Assert.That(json.GetProperty("monitor").GetProperty("id").GetGuid(), Is.EqualTo(command.MonitorId));
            Assert.That(json.GetProperty("monitor").GetProperty("name").GetString(), Is.EqualTo("api"));
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("down"));
            Assert.That(json.GetProperty("error").GetString(), Is.EqualTo("connection refused"));
            Assert.That(json.GetProperty("firstFailureAt").GetDateTimeOffset(), Is.EqualTo(command.FirstFailureAt));
            Assert.That(json.GetProperty("resolvedAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(json.GetProperty("occurredAt").GetDateTimeOffset(), Is.EqualTo(command.OccurredAt));
            Assert.That(json.GetProperty("message").GetString(), Is.EqualTo("Monitor 'api' is DOWN: connection refused"));
        });
        var delivered = await Poll.UntilAsync(
            () => Task.FromResult(Bus.Published<NotificationDelivered>().Where(m => m.NotificationId == command.NotificationId).ToList()),
            found => found.Count > 0, Timeout, "NotificationDelivered");
        Assert.That(delivered.Single().Attempts, Is.EqualTo(1));
    }

    [Test]
    public async Task The_same_command_sent_twice_is_posted_exactly_once()
    {
        var hook = Receiver.NewHook();
        var channel = await WebhookChannelAsync(hook);
        var command = DownNotification(channel);

        await SendAsync(command);
        await SendAsync(command);

        await Poll.UntilAsync(
            () => Task.FromResult(Bus.Consumed<SendNotification>().Count(m => m.NotificationId == command.NotificationId)),
            consumed => consumed == 2, Timeout, "both copies of the command to be consumed");
        var delivery = await FinalDeliveryAsync(command.NotificationId);
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.RequestsTo(hook), Has.Count.EqualTo(1));
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(delivery.Attempts, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_server_error_is_retried_and_then_delivered_with_two_attempts_recorded()
    {
        var hook = Receiver.NewHook(Reply.WithStatus(500));
        var channel = await WebhookChannelAsync(hook);
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        var attempts = await AttemptsAsync(command.NotificationId);
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(delivery.Attempts, Is.EqualTo(2));
            Assert.That(Receiver.RequestsTo(hook), Has.Count.EqualTo(2));
            Assert.That(attempts.Select(a => (a.Attempt, a.StatusCode, a.Outcome)),
                Is.EqualTo(new[] { (1, (int?)500, "transient"), (2, (int?)200, "delivered") }));
            Assert.That(attempts[0].Error, Does.Contain("500"));
        });
    }

    [Test]
    public async Task A_client_error_fails_after_one_attempt_and_publishes_NotificationFailed()
    {
        var hook = Receiver.NewHook(Reply.WithStatus(400));
        var channel = await WebhookChannelAsync(hook);
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        var failed = await Poll.UntilAsync(
            () => Task.FromResult(Bus.Published<NotificationFailed>().Where(m => m.NotificationId == command.NotificationId).ToList()),
            found => found.Count > 0, Timeout, "NotificationFailed");
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Failed));
            Assert.That(delivery.Attempts, Is.EqualTo(1));
            Assert.That(delivery.LastStatusCode, Is.EqualTo(400));
            Assert.That(Receiver.RequestsTo(hook), Has.Count.EqualTo(1));
            Assert.That(failed.Single().Attempts, Is.EqualTo(1));
            Assert.That(failed.Single().Error, Does.Contain("400"));
            Assert.That(failed.Single().ChannelId, Is.EqualTo(channel.ChannelId));
        });
    }

    [Test]
    public async Task A_timeout_is_transient_and_the_next_attempt_delivers()
    {
        var hook = Receiver.NewHook(Reply.Slow(TimeSpan.FromSeconds(5)));
        var channel = await WebhookChannelAsync(hook);
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        var attempts = await AttemptsAsync(command.NotificationId);
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(attempts, Has.Count.EqualTo(2));
            Assert.That(attempts[0].Outcome, Is.EqualTo("transient"));
            Assert.That(attempts[0].Error, Does.Contain("timed out"));
            Assert.That(attempts[0].StatusCode, Is.Null);
        });
    }

    [Test]
    public async Task Server_errors_on_every_attempt_fail_the_notification_after_the_maximum_attempts()
    {
        var hook = Receiver.NewHook(Enumerable.Repeat(Reply.WithStatus(503), 10).ToArray());
        var channel = await WebhookChannelAsync(hook);
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        var failed = await Poll.UntilAsync(
            () => Task.FromResult(Bus.Published<NotificationFailed>().Where(m => m.NotificationId == command.NotificationId).ToList()),
            found => found.Count > 0, Timeout, "NotificationFailed");
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Failed));
            Assert.That(delivery.Attempts, Is.EqualTo(MaxAttempts));
            Assert.That(Receiver.RequestsTo(hook), Has.Count.EqualTo(MaxAttempts));
            Assert.That(failed.Single().Attempts, Is.EqualTo(MaxAttempts));
        });
    }

    [Test]
    public async Task A_notification_to_a_deleted_channel_fails_without_sending()
    {
        var hook = Receiver.NewHook();
        var channel = await WebhookChannelAsync(hook);
        await PublishAsync(new ChannelDeleted(channel.ChannelId, channel.TenantId, 2, DateTimeOffset.UtcNow));
        await Poll.UntilAsync(
            () => QueryAsync(db => db.Channels.Where(c => c.Id == channel.ChannelId).Select(c => c.Deleted).SingleAsync()),
            deleted => deleted, Timeout, "the channel copy to be deleted");
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        var failed = await Poll.UntilAsync(
            () => Task.FromResult(Bus.Published<NotificationFailed>().Where(m => m.NotificationId == command.NotificationId).ToList()),
            found => found.Count > 0, Timeout, "NotificationFailed");
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Failed));
            Assert.That(delivery.LastError, Is.EqualTo("channel deleted"));
            Assert.That(delivery.Attempts, Is.Zero);
            Assert.That(failed.Single().Error, Is.EqualTo("channel deleted"));
            Assert.That(Receiver.RequestsTo(hook), Is.Empty);
        });
    }

    [Test]
    public async Task A_notification_that_overtakes_its_channel_is_delivered_once_the_channel_arrives()
    {
        var hook = Receiver.NewHook();
        var channel = new ChannelUpserted(
            Guid.NewGuid(), Guid.NewGuid(), 1, "late hook", "webhook",
            new WebhookChannelSettings(hook, new Dictionary<string, string>()), DateTimeOffset.UtcNow);
        var command = DownNotification(channel);

        await SendAsync(command);
        await PublishAsync(channel);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(Receiver.RequestsTo(hook), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Delivered_and_failed_notifications_are_counted_per_channel_type()
    {
        var okChannel = await WebhookChannelAsync(Receiver.NewHook());
        var badChannel = await WebhookChannelAsync(Receiver.NewHook(Reply.WithStatus(404)));
        var ok = DownNotification(okChannel);
        var bad = DownNotification(badChannel);

        await SendAsync(ok);
        await SendAsync(bad);
        await FinalDeliveryAsync(ok.NotificationId);
        await FinalDeliveryAsync(bad.NotificationId);

        using var http = Factory.CreateClient();
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Multiple(() =>
        {
            Assert.That(metrics, Does.Match(@"sentinel_notifications_sent_total\{channel_type=""webhook""\} [1-9]"));
            Assert.That(metrics, Does.Match(@"sentinel_notifications_failed_total\{channel_type=""webhook""\} [1-9]"));
        });
    }
}
