using System.Diagnostics;
using MassTransit;
using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.AlertEvaluation.Tests.Alerting;

namespace Sentinel.AlertEvaluation.Tests.State;

public sealed class ScaleOutTests
{
    const int Monitors = 200;
    const int ResultsPerMonitor = 50;

    [Test]
    public Task Two_replicas_fed_the_same_burst_of_ten_thousand_results_send_each_notification_exactly_once() =>
        BurstAsync((bus, results) => Task.WhenAll(results.Chunk(500).Select(chunk => bus.PublishBatch(chunk))));

    [Test]
    public Task Two_replicas_fed_ten_thousand_results_in_batch_messages_send_each_notification_exactly_once() =>
        // As the Checker publishes them: up to 500 results per MonitorCheckedBatch, each message holding many monitors.
        BurstAsync((bus, results) => bus.PublishBatch(results.Chunk(250).Select(chunk => new MonitorCheckedBatch(Guid.NewGuid(), chunk))));

    static async Task BurstAsync(Func<IBus, IReadOnlyList<MonitorChecked>, Task> publish)
    {
        await using var replica = AlertEvaluationHost.CreateReplica();
        _ = replica.CreateClient(); // a second evaluator competing for the same queues, database and Redis
        var tenant = Guid.NewGuid();
        var monitors = Enumerable.Range(0, Monitors).Select(_ => (Id: Guid.NewGuid(), A: Guid.NewGuid(), B: Guid.NewGuid())).ToList();
        var bus = AlertEvaluationHost.Bus;
        await bus.PublishBatch(monitors.Select(m => Monitor(m.Id, tenant, [m.A, m.B], name: $"m-{m.Id:N}")));
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.monitors where tenant_id = '{tenant}'"),
            n => n == Monitors, Wait, "the monitor copies");

        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerMillisecond));
        var burst = Enumerable.Range(0, ResultsPerMonitor)
            .SelectMany(i => monitors.Select(m =>
            {
                var due = start.AddSeconds(i);
                return new MonitorChecked(DeterministicGuid.ForCheck(m.Id, due), m.Id, tenant, false, 503, 2, "HTTP 503", due, due.AddMilliseconds(50));
            }))
            .ToList();
        var watch = Stopwatch.StartNew();
        await publish(bus, burst);
        var published = watch.Elapsed;
        var lastDue = start.AddSeconds(ResultsPerMonitor - 1);
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync(
                $"select count(*) from alerting.monitor_states s join alerting.monitors m using (monitor_id) where m.tenant_id = '{tenant}' and s.last_due_at = '{lastDue:O}'"),
            n => n == Monitors, TimeSpan.FromSeconds(60), "every result to be evaluated");
        var evaluated = watch.Elapsed;
        var ids = monitors.Select(m => m.Id).ToHashSet();
        await Poll.UntilAsync(() => Task.FromResult(AlertEvaluationHost.Sent.Count(n => ids.Contains(n.MonitorId))),
            n => n >= 2 * Monitors, Wait, "the down notifications");
        await Task.Delay(TimeSpan.FromSeconds(1));
        TestContext.Out.WriteLine($"published 10,000 results in {published.TotalSeconds:0.0} s; evaluated by two replicas after {evaluated.TotalSeconds:0.0} s");

        var down = AlertEvaluationHost.Sent.Where(n => ids.Contains(n.MonitorId)).ToList();
        Assert.That(down, Has.Count.EqualTo(2 * Monitors), "one down alert per monitor and channel");
        Assert.That(down.Select(n => n.NotificationId).Distinct().Count(), Is.EqualTo(2 * Monitors), "none twice");
        Assert.That(await AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.incidents where tenant_id = '{tenant}'"),
            Is.EqualTo(Monitors), "one incident per monitor");

        // Then everything recovers: one recovery per monitor and channel, still none twice.
        var recovery = monitors.Select(m =>
        {
            var due = start.AddSeconds(ResultsPerMonitor);
            return new MonitorChecked(DeterministicGuid.ForCheck(m.Id, due), m.Id, tenant, true, 200, 2, null, due, due.AddMilliseconds(50));
        }).ToList();
        await publish(bus, recovery);
        await publish(bus, recovery); // and delivered twice
        await Poll.UntilAsync(() => Task.FromResult(AlertEvaluationHost.Sent.Count(n => ids.Contains(n.MonitorId) && n.Event == NotificationEvents.Up)),
            n => n >= 2 * Monitors, Wait, "the recoveries");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var all = AlertEvaluationHost.Sent.Where(n => ids.Contains(n.MonitorId)).ToList();
        Assert.That(all, Has.Count.EqualTo(4 * Monitors));
        Assert.That(all.Select(n => n.NotificationId).Distinct().Count(), Is.EqualTo(4 * Monitors));
    }
}
