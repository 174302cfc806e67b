using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;
using Sentinel.Testing;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Outbox;

/// The shared OutboxRelay (ServiceDefaults), driven through Delivery's own outbox table: many publishes in flight,
/// confirmed rows deleted in one statement per batch, at least once. The fixture's relay polls only every ten minutes,
/// so every row here is relayed because its commit woke the relay.
public sealed class OutboxRelayTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Rows_beyond_one_batch_are_all_published_and_deleted()
    {
        var incident = Guid.NewGuid();
        const int rows = 1500; // more than one batch of 1,000
        await Database.ExecuteAsync($"""
            insert into delivery.outbox (message_id, message_type, body, destination, created_at)
            select gen_random_uuid(), 'Sentinel.Contracts.NotificationDelivered',
                jsonb_build_object('notificationId', gen_random_uuid(), 'channelId', gen_random_uuid(), 'incidentId', '{incident}',
                    'tenantId', gen_random_uuid(), 'attempts', n, 'deliveredAt', now()),
                null, now()
            from generate_series(1, {rows}) as n
            """);

        var published = await Poll.UntilAsync(
            () => Task.FromResult(Bus.Published<NotificationDelivered>().Where(m => m.IncidentId == incident).ToList()),
            found => found.Count >= rows, Timeout, "every outbox row to be published");
        await Poll.UntilAsync(
            () => Database.CountAsync($"select count(*) from delivery.outbox where body->>'incidentId' = '{incident}'"),
            n => n == 0, Timeout, "the published rows to be deleted");
        Assert.Multiple(() =>
        {
            Assert.That(published.Select(m => m.Attempts).Distinct().Count(), Is.EqualTo(rows), "each row once");
            Assert.That(published, Has.Count.EqualTo(rows), "nothing published twice without a crash");
        });
    }

    [Test]
    public async Task A_command_relayed_again_after_a_relay_crash_is_sent_to_the_receiver_once()
    {
        var hook = Receiver.NewHook();
        var channel = await WebhookChannelAsync(hook);
        var command = DownNotification(channel);
        // A relay that published the row and died before deleting it leaves the row: the next relay sends it again.
        // Two rows of the same command are exactly that, seen from the consumer.
        var row = Sentinel.ServiceDefaults.Outbox.OutboxMessage.Send(command, Queues.SendNotification, DateTimeOffset.UtcNow);
        for (var i = 0; i < 2; i++)
            await Database.ExecuteAsync($"""
                insert into delivery.outbox (message_id, message_type, body, destination, created_at)
                values ('{row.MessageId}', '{row.MessageType}', '{row.Body.Replace("'", "''")}'::jsonb, '{row.Destination}', now())
                """);

        await Poll.UntilAsync(
            () => Task.FromResult(Bus.Consumed<SendNotification>().Count(m => m.NotificationId == command.NotificationId)),
            n => n == 2, Timeout, "both relayed copies to be consumed");
        var delivery = await FinalDeliveryAsync(command.NotificationId);
        Assert.Multiple(() =>
        {
            Assert.That(delivery!.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(Receiver.RequestsTo(hook), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task The_relay_listens_again_after_its_connection_is_dropped_and_wakes_on_the_next_commit()
    {
        const string listener = "select pid from pg_stat_activity where query = 'listen sentinel_outbox_delivery'";
        await Poll.UntilAsync(() => Database.CountAsync($"select count(*) from ({listener}) l"), n => n >= 1, Timeout,
            "the relay to listen for commits");
        await Database.ExecuteAsync($"select pg_terminate_backend(pid) from ({listener}) l");

        var incident = Guid.NewGuid();
        await Database.ExecuteAsync($"""
            insert into delivery.outbox (message_id, message_type, body, destination, created_at)
            values (gen_random_uuid(), 'Sentinel.Contracts.NotificationDelivered',
                jsonb_build_object('notificationId', gen_random_uuid(), 'channelId', gen_random_uuid(), 'incidentId', '{incident}',
                    'tenantId', gen_random_uuid(), 'attempts', 1, 'deliveredAt', now()), null, now())
            """);

        // Committed while nobody listened: found by the round the relay runs when it listens again (within seconds).
        await Poll.UntilAsync(
            () => Task.FromResult(Bus.Published<NotificationDelivered>().Count(m => m.IncidentId == incident)),
            n => n == 1, Timeout, "the row committed while the relay was not listening to be published");
        Assert.That(await Database.CountAsync($"select count(*) from ({listener}) l"), Is.GreaterThanOrEqualTo(1), "listening again");
    }
}
