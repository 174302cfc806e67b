using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.AlertEvaluation.Tests.Alerting;

namespace Sentinel.AlertEvaluation.Tests.State;

/// Results as the Checker publishes them: many to a MonitorCheckedPacked message (or a MonitorCheckedBatch from older
/// producers), through the same evaluation as single MonitorChecked. Order per monitor is due order, whatever the order of the results in or across messages;
/// redelivered messages change nothing.
public sealed class MonitorCheckedBatchConsumerTests
{
    static DateTimeOffset Start()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-30);
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)); // PostgreSQL keeps microseconds
    }

    static MonitorChecked At(Guid monitor, Guid tenant, DateTimeOffset due, bool up) =>
        new(DeterministicGuid.ForCheck(monitor, due), monitor, tenant, up, up ? 200 : 500, 3, up ? null : "HTTP 500",
            due, due.AddMilliseconds(100));

    static Task PublishAsync(params MonitorChecked[] results) =>
        AlertEvaluationHost.Bus.Publish(MonitorCheckedPacked.Pack(Guid.NewGuid(), results));

    /// In ChangedAt order: the outbox may deliver the changes of one transaction in any order, and consumers (the
    /// Gateway's copy) keep the newest, so distinct, increasing ChangedAt is what counts.
    static async Task<List<string>> StatusesAsync(Guid monitor, int atLeast)
    {
        var changes = await Poll.UntilAsync(
            () => Task.FromResult(AlertEvaluationHost.StatusChanges.Where(s => s.MonitorId == monitor).ToList()),
            l => l.Count >= atLeast, Wait, $"{atLeast} status changes");
        Assert.That(changes.Select(c => c.ChangedAt).Distinct().Count(), Is.EqualTo(changes.Count), "no two changes at the same instant");
        return changes.OrderBy(c => c.ChangedAt).Select(c => c.Status).ToList();
    }

    [Test]
    public async Task Results_of_one_message_are_applied_in_due_order_whatever_order_the_message_lists_them()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await PublishMonitorAsync(Monitor(monitor, tenant, [channel], failureThreshold: 2));
        var t0 = Start();
        var up = At(monitor, tenant, t0, true);
        var fail1 = At(monitor, tenant, t0.AddSeconds(5), false);
        var fail2 = At(monitor, tenant, t0.AddSeconds(10), false);

        // Applied as listed, the newest result would come first and the two older ones would be ignored as stale.
        await PublishAsync(fail2, up, fail1);

        var down = await SentAsync(monitor, l => l.Any(n => n.Event == NotificationEvents.Down), "the down notification");
        Assert.That(down.Single().FirstFailureAt, Is.EqualTo(fail1.CheckedAt), "the streak began with the older failure");
        Assert.That(await StatusesAsync(monitor, 2), Is.EqualTo(new[] { MonitorStatuses.Up, MonitorStatuses.Down }));
        await StatesSettledAsync(monitor, fail2.DueAt);
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select consecutive_failures from alerting.monitor_states where monitor_id = '{monitor}'"), Is.EqualTo(2));
    }

    [Test]
    public async Task An_older_producers_MonitorCheckedBatch_drives_state_like_a_packed_message()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await PublishMonitorAsync(Monitor(monitor, tenant, [channel], failureThreshold: 2));
        var t0 = Start();
        var results = new[] { At(monitor, tenant, t0.AddSeconds(10), false), At(monitor, tenant, t0, true), At(monitor, tenant, t0.AddSeconds(5), false) };

        await AlertEvaluationHost.Bus.Publish(new MonitorCheckedBatch(Guid.NewGuid(), results));

        var down = await SentAsync(monitor, l => l.Any(n => n.Event == NotificationEvents.Down), "the down notification");
        Assert.That(down.Single().FirstFailureAt, Is.EqualTo(results[2].CheckedAt));
        Assert.That(await StatusesAsync(monitor, 2), Is.EqualTo(new[] { MonitorStatuses.Up, MonitorStatuses.Down }));
    }

    [Test]
    public async Task A_monitors_results_spread_over_many_messages_published_at_once_are_applied_in_order()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var other = Guid.NewGuid();
        await PublishMonitorAsync(Monitor(monitor, tenant, [channel], failureThreshold: 2));
        await PublishMonitorAsync(Monitor(other, tenant, [channel], failureThreshold: 2, name: "other"));
        var t0 = Start();
        // Down during 5–9 and 15–19: with a threshold of 2 it goes down at 6 and 16 and recovers at 10 and 20. Every
        // result is its own message (with another monitor's result beside it), so the consumer batches many messages;
        // a message applied before an earlier one would make the earlier one stale and lose a flip.
        static bool Up(int i) => i is < 5 or (>= 10 and < 15) or >= 20;
        for (var i = 0; i < 30; i++)
            await PublishAsync(At(monitor, tenant, t0.AddSeconds(i), Up(i)), At(other, tenant, t0.AddSeconds(i), true));

        await StatesSettledAsync(monitor, t0.AddSeconds(29));
        Assert.That(await StatusesAsync(monitor, 5), Is.EqualTo(new[]
        {
            MonitorStatuses.Up, MonitorStatuses.Down, MonitorStatuses.Up, MonitorStatuses.Down, MonitorStatuses.Up,
        }));
        var sent = await SentAsync(monitor, l => l.Count >= 4, "two downs and two recoveries");
        // An outage that opens and resolves within one transaction still tells its channel both.
        Assert.That(sent.Where(n => n.Event == NotificationEvents.Up).Select(n => n.IncidentId),
            Is.EquivalentTo(sent.Where(n => n.Event == NotificationEvents.Down).Select(n => n.IncidentId)), "each down has its up");
        Assert.That(sent.Where(n => n.Event == NotificationEvents.Down).Select(n => n.FirstFailureAt),
            Is.EquivalentTo(new DateTimeOffset?[] { t0.AddSeconds(5).AddMilliseconds(100), t0.AddSeconds(15).AddMilliseconds(100) }),
            "each outage began with its first failure");
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.incidents where monitor_id = '{monitor}'"), Is.EqualTo(2));
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.monitor_states where monitor_id = '{other}' and status = 'up' and consecutive_successes = 30"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_redelivered_batch_message_changes_nothing()
    {
        var (monitor, tenant) = (Guid.NewGuid(), Guid.NewGuid());
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        await PublishMonitorAsync(Monitor(monitor, tenant, [a, b], failureThreshold: 2));
        var t0 = Start();
        var results = new[] { At(monitor, tenant, t0, true), At(monitor, tenant, t0.AddSeconds(5), false), At(monitor, tenant, t0.AddSeconds(10), false) };
        var message = MonitorCheckedPacked.Pack(Guid.NewGuid(), results);

        await AlertEvaluationHost.Bus.Publish(message);
        await StatesSettledAsync(monitor, results[^1].DueAt);
        await AlertEvaluationHost.Bus.Publish(message); // the same message again, as after a lost acknowledgement
        await AlertEvaluationHost.Bus.Publish(results[1]); // and one of its results alone, on the other queue
        await PublishAsync(results[2], results[1]); // and in another message

        var down = await SentAsync(monitor, l => l.Count >= 2, "a down notification per channel");
        await Task.Delay(TimeSpan.FromSeconds(2)); // whatever the redeliveries would have caused has happened by now
        Assert.That(SentFor(monitor), Has.Count.EqualTo(2));
        Assert.That(SentFor(monitor).Select(n => n.ChannelId), Is.EquivalentTo(new[] { a, b }));
        Assert.That(await StatusesAsync(monitor, 2), Is.EqualTo(new[] { MonitorStatuses.Up, MonitorStatuses.Down }));
        Assert.That(AlertEvaluationHost.StatusChanges.Count(s => s.MonitorId == monitor), Is.EqualTo(2));
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.incidents where monitor_id = '{monitor}'"), Is.EqualTo(1));
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select consecutive_failures from alerting.monitor_states where monitor_id = '{monitor}'"), Is.EqualTo(2));
        Assert.That(down.Select(n => n.IncidentId).Distinct().Count(), Is.EqualTo(1));
    }
}
