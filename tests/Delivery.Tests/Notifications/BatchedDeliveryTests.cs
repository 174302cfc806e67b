using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;
using Sentinel.Testing;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Notifications;

/// The batched path: commands recorded many per statement, tries claimed in batches, outcomes committed many per
/// statement. Each test checks that batching never turns one notification into two sends.
public sealed class BatchedDeliveryTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_burst_of_commands_each_sent_twice_is_posted_exactly_once_per_notification()
    {
        var hooks = Enumerable.Range(0, 4).Select(_ => Receiver.NewHook()).ToList();
        var channels = new List<ChannelUpserted>();
        foreach (var hook in hooks)
            channels.Add(await WebhookChannelAsync(hook));
        var commands = Enumerable.Range(0, 200).Select(i => DownNotification(channels[i % channels.Count])).ToList();

        // Both copies in flight at once, so duplicates meet in the same recording batch as well as across batches.
        await Task.WhenAll(commands.Concat(commands).Select(SendAsync));

        var ids = commands.Select(c => c.NotificationId).ToList();
        var delivered = await Poll.UntilAsync(
            () => QueryAsync(db => db.Deliveries.CountAsync(d => ids.Contains(d.NotificationId) && d.Status == DeliveryStatuses.Delivered)),
            n => n == commands.Count, Timeout, "every notification to be delivered");
        await Poll.UntilAsync(
            () => Task.FromResult(Bus.Consumed<SendNotification>().Count(m => ids.Contains(m.NotificationId))),
            n => n == 2 * commands.Count, Timeout, "both copies of every command to be consumed");
        var events = await Poll.UntilAsync(
            () => Task.FromResult(Bus.Published<NotificationDelivered>().Where(m => ids.Contains(m.NotificationId)).ToList()),
            found => found.Select(m => m.NotificationId).Distinct().Count() == commands.Count, Timeout, "NotificationDelivered for each");
        var requests = hooks.SelectMany(h => Receiver.RequestsTo(h)).ToList();
        var attempts = await QueryAsync(db => db.DeliveryAttempts.CountAsync(a => ids.Contains(a.NotificationId)));
        Assert.Multiple(() =>
        {
            Assert.That(delivered, Is.EqualTo(commands.Count));
            Assert.That(requests, Has.Count.EqualTo(commands.Count), "one request per notification");
            Assert.That(requests.Select(r => r.Headers["X-Sentinel-Notification-Id"]).Distinct().Count(), Is.EqualTo(commands.Count));
            Assert.That(attempts, Is.EqualTo(commands.Count), "one attempt row per notification");
            Assert.That(events.Select(e => e.Attempts), Is.All.EqualTo(1));
        });
    }

    [Test]
    public async Task The_same_command_recorded_many_times_at_once_is_recorded_once_and_sent_once()
    {
        var hook = Receiver.NewHook();
        var channel = await WebhookChannelAsync(hook);
        var command = DownNotification(channel);
        var recorder = Factory.Services.GetRequiredService<DeliveryRecorder>();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => recorder.RecordAsync(command, CancellationToken.None)));

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Count(o => o == RecordOutcome.Recorded), Is.EqualTo(1));
            Assert.That(outcomes.Count(o => o == RecordOutcome.Duplicate), Is.EqualTo(19));
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(Receiver.RequestsTo(hook), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Recording_tells_an_unknown_channel_and_another_tenants_channel_apart()
    {
        var channel = await WebhookChannelAsync(Receiver.NewHook());
        var recorder = Factory.Services.GetRequiredService<DeliveryRecorder>();
        var unknown = DownNotification(channel) with { ChannelId = Guid.NewGuid() };
        var foreign = DownNotification(channel) with { TenantId = Guid.NewGuid() };

        var outcomes = await Task.WhenAll(recorder.RecordAsync(unknown, CancellationToken.None), recorder.RecordAsync(foreign, CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(outcomes, Is.EqualTo(new[] { RecordOutcome.UnknownChannel, RecordOutcome.OtherTenant }));
            Assert.That(await QueryAsync(db => db.Deliveries.CountAsync(d => d.NotificationId == unknown.NotificationId || d.NotificationId == foreign.NotificationId)),
                Is.Zero, "nothing recorded for either");
        });
    }

    [Test]
    public async Task A_try_that_died_with_its_process_is_sent_once_after_its_lease_and_a_redelivered_command_adds_nothing()
    {
        var hook = Receiver.NewHook();
        var channel = await WebhookChannelAsync(hook);
        var command = DownNotification(channel);
        // What a crashed instance leaves: the row recorded and claimed (leased for 2 s more), nothing sent.
        var now = DateTimeOffset.UtcNow;
        await QueryAsync(async db =>
        {
            db.Deliveries.Add(NotificationDelivery.Start(command, now, now.AddSeconds(2)));
            return await db.SaveChangesAsync();
        });

        await SendAsync(command); // the broker redelivers the command the dead instance had not acknowledged
        await Poll.UntilAsync(
            () => Task.FromResult(Bus.Consumed<SendNotification>().Count(m => m.NotificationId == command.NotificationId)),
            n => n == 1, Timeout, "the redelivered command to be consumed");
        Assert.That(Receiver.RequestsTo(hook), Is.Empty, "not sent while the dead instance's lease holds");

        var delivery = await FinalDeliveryAsync(command.NotificationId);
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(delivery.Attempts, Is.EqualTo(1));
            Assert.That(Receiver.RequestsTo(hook), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Two_outcomes_of_the_same_attempt_are_recorded_once_with_one_attempt_row_and_one_event()
    {
        var channel = await WebhookChannelAsync(Receiver.NewHook());
        var command = DownNotification(channel);
        var now = DateTimeOffset.UtcNow;
        // Leased far ahead, so the SendLoop leaves it to this test.
        await QueryAsync(async db =>
        {
            db.Deliveries.Add(NotificationDelivery.Start(command, now, now.AddHours(1)));
            return await db.SaveChangesAsync();
        });
        var writer = Factory.Services.GetRequiredService<OutcomeWriter>();

        // Two tries of attempt 1 (a lease that ran out mid-send): both committed at once, in one batch or two.
        var writes = new List<DeliveryWrite>();
        for (var i = 0; i < 2; i++)
        {
            var copy = await QueryAsync(db => db.Deliveries.AsNoTracking().SingleAsync(d => d.NotificationId == command.NotificationId));
            var attempt = copy.Record(Sentinel.Delivery.Channels.SendResult.Delivered(200), now, now.AddMilliseconds(50), MaxAttempts, now);
            writes.Add(new DeliveryWrite(copy, 0, attempt, Sentinel.ServiceDefaults.Outbox.OutboxMessage.Publish(copy.ToDelivered(), now), "webhook"));
        }
        var recorded = await Task.WhenAll(writes.Select(w => writer.WriteAsync(w, CancellationToken.None)));

        var row = await QueryAsync(db => db.Deliveries.AsNoTracking().SingleAsync(d => d.NotificationId == command.NotificationId));
        Assert.Multiple(async () =>
        {
            Assert.That(recorded.Count(r => r), Is.EqualTo(1));
            Assert.That(row.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(row.Attempts, Is.EqualTo(1));
            Assert.That(await Database.CountAsync($"select count(*) from delivery.delivery_attempts where notification_id = '{command.NotificationId}'"), Is.EqualTo(1));
            await Poll.UntilAsync(
                () => Task.FromResult(Bus.Published<NotificationDelivered>().Count(m => m.NotificationId == command.NotificationId)),
                n => n >= 1, Timeout, "NotificationDelivered");
            await Task.Delay(300); // a second event would follow within the relay's poll
            Assert.That(Bus.Published<NotificationDelivered>().Count(m => m.NotificationId == command.NotificationId), Is.EqualTo(1));
        });
    }
}
