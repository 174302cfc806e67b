using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.Delivery.Channels;
using Sentinel.Delivery.Notifications;
using Sentinel.ServiceDefaults.Data;
using Sentinel.Testing;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Notifications;

public sealed class RetryTests
{
    [Test]
    public async Task Two_server_errors_then_success_deliver_once_after_three_attempts()
    {
        var hook = Receiver.NewHook(Reply.WithStatus(500), Reply.WithStatus(502));
        var channel = await WebhookChannelAsync(hook);
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        var attempts = await AttemptsAsync(command.NotificationId);
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(delivery.Attempts, Is.EqualTo(3));
            Assert.That(delivery.NextAttemptAt, Is.Null);
            Assert.That(attempts.Select(a => a.StatusCode), Is.EqualTo(new int?[] { 500, 502, 200 }));
            Assert.That(Receiver.RequestsTo(hook).Select(r => r.Headers["X-Sentinel-Notification-Id"]).Distinct().Single(),
                Is.EqualTo(command.NotificationId.ToString()), "every try carries the same id");
        });
    }

    [Test]
    public async Task A_429_is_retried_no_sooner_than_its_Retry_After()
    {
        var hook = Receiver.NewHook(new Reply(429, TimeSpan.Zero, RetryAfterSeconds: 2));
        var channel = await WebhookChannelAsync(hook);
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        var requests = Receiver.RequestsTo(hook);
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(requests, Has.Count.EqualTo(2));
            // The backoff alone would be 0.1-0.2 s here.
            Assert.That(requests[1].At - requests[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9)));
        });
    }

    [Test]
    public async Task A_Telegram_429_with_retry_after_is_retried_and_delivered()
    {
        var token = $"123456:AAE{Guid.NewGuid():N}";
        Receiver.Plan($"/bot{token}/sendMessage", new Reply(429, TimeSpan.Zero,
            """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"""));
        var channel = await ChannelAsync(ChannelKinds.Telegram, new TelegramChannelSettings(token, "-100123", Receiver.BaseUrl));
        var command = DownNotification(channel);

        await SendAsync(command);

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        var requests = Receiver.RequestsTo($"/bot{token}/sendMessage");
        var attempts = await AttemptsAsync(command.NotificationId);
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(requests, Has.Count.EqualTo(2));
            Assert.That(attempts[0].StatusCode, Is.EqualTo(429));
            Assert.That(requests[1].At - requests[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)));
            Assert.That(System.Text.Json.JsonDocument.Parse(requests[1].Body).RootElement.GetProperty("text").GetString(),
                Does.StartWith("<b>🔴 DOWN: api</b>\nMonitor 'api' is DOWN: connection refused"));
        });
    }

    [Test]
    public async Task A_pending_retry_survives_a_restart_and_is_delivered_once_by_the_next_instance()
    {
        await using var database = await TestDatabase.CreateAsync("delivery_restart");
        await using var vhost = await TestVirtualHost.CreateAsync("delivery_restart");
        // Retries 2-3 s out, so the first instance is stopped while the retry is pending.
        (string, string)[] slow = [("Delivery:RetryBaseSeconds", "3"), ("Delivery:RetryPollMilliseconds", "100")];
        var hook = Receiver.NewHook(Reply.WithStatus(503));
        var tenant = Guid.NewGuid();
        var channel = new ChannelUpserted(Guid.NewGuid(), tenant, 1, "hook", ChannelKinds.Webhook,
            new WebhookChannelSettings(hook, new Dictionary<string, string>()), DateTimeOffset.UtcNow);
        var command = DownNotification(channel);

        var first = new DeliveryFactory(database.ConnectionString, vhost.Name, slow);
        await using (var scope = first.Services.CreateAsyncScope())
            await DatabaseExtensions.MigrateAsync<DeliveryDb>(scope.ServiceProvider, CancellationToken.None);
        await StartedAsync(first);
        await first.Services.GetRequiredService<MassTransit.IBus>().Publish(channel);
        await Poll.UntilAsync(() => database.CountAsync($"select count(*) from delivery.channels where id = '{channel.ChannelId}'"),
            n => n == 1, TimeSpan.FromSeconds(20), "the channel copy");
        var endpoint = await first.Services.GetRequiredService<MassTransit.IBus>().GetSendEndpoint(Queues.Address(Queues.SendNotification));
        await endpoint.Send(command);
        await Poll.UntilAsync(() => database.CountAsync($"select count(*) from delivery.delivery_attempts where notification_id = '{command.NotificationId}'"),
            n => n == 1, TimeSpan.FromSeconds(20), "the first, failed attempt");
        await first.DisposeAsync();
        Assert.That(await database.CountAsync(
            $"select count(*) from delivery.deliveries where notification_id = '{command.NotificationId}' and status = 'pending' and next_attempt_at > now()"),
            Is.EqualTo(1), "the retry is pending in PostgreSQL when the instance stops");

        await using var second = new DeliveryFactory(database.ConnectionString, vhost.Name, slow);
        await StartedAsync(second);
        await Poll.UntilAsync(() => database.CountAsync(
                $"select count(*) from delivery.deliveries where notification_id = '{command.NotificationId}' and status = 'delivered'"),
            n => n == 1, TimeSpan.FromSeconds(30), "the retry by the second instance");

        Assert.Multiple(async () =>
        {
            Assert.That(Receiver.RequestsTo(hook), Has.Count.EqualTo(2), "one failed try, one delivered, nothing more");
            Assert.That(await database.CountAsync($"select count(*) from delivery.delivery_attempts where notification_id = '{command.NotificationId}'"),
                Is.EqualTo(2));
        });
    }

    [Test]
    public async Task One_slow_channel_gets_at_most_its_concurrency_limit_and_does_not_hold_up_another()
    {
        var slowHook = Receiver.NewHook(Enumerable.Repeat(Reply.Slow(TimeSpan.FromMilliseconds(700)), 8).ToArray());
        var slow = await WebhookChannelAsync(slowHook);
        var fast = await WebhookChannelAsync(Receiver.NewHook());
        var slowCommands = Enumerable.Range(0, 8).Select(_ => DownNotification(slow)).ToList();

        foreach (var command in slowCommands)
            await SendAsync(command);
        var quick = DownNotification(fast);
        await SendAsync(quick);

        var quickDelivery = await FinalDeliveryAsync(quick.NotificationId);
        var slowDone = await QueryAsync(db => db.Deliveries.CountAsync(d => d.ChannelId == slow.ChannelId && d.Status == DeliveryStatuses.Delivered));
        foreach (var command in slowCommands)
            Assert.That((await FinalDeliveryAsync(command.NotificationId))!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
        Assert.Multiple(() =>
        {
            Assert.That(quickDelivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(slowDone, Is.LessThan(8), "the fast channel was served while the slow one still had work");
            Assert.That(Receiver.MaxConcurrent(slowHook), Is.LessThanOrEqualTo(PerChannelConcurrency));
            Assert.That(Receiver.RequestsTo(slowHook), Has.Count.EqualTo(8), "waiting for a slot is not an attempt and sends nothing twice");
        });
    }

    static async Task StartedAsync(DeliveryFactory factory)
    {
        using var http = factory.CreateClient();
        await Poll.UntilAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, ok => ok,
            TimeSpan.FromSeconds(30), "Delivery to be ready");
    }
}
