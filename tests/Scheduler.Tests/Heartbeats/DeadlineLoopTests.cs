using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.Scheduler.Tests.Heartbeats.Pings;

namespace Sentinel.Scheduler.Tests.Heartbeats;

/// The Scheduler as it runs, real clock and all: pings in, HeartbeatDeadlineMissed out through the outbox, and no
/// checks dispatched for heartbeats.
public sealed class DeadlineLoopTests
{
    TestDatabase database = null!;
    TestVirtualHost virtualHost = null!;
    MissListener listener = null!;
    CheckerStandIn checker = null!;
    SchedulerHost scheduler = null!;

    [OneTimeSetUp]
    public async Task StartSchedulerListenerAndChecker()
    {
        database = await TestDatabase.CreateAsync("scheduler_hb_loop");
        virtualHost = await TestVirtualHost.CreateAsync("scheduler_hb_loop");
        listener = await MissListener.StartAsync(virtualHost);
        checker = await CheckerStandIn.StartAsync(virtualHost);
        scheduler = await SchedulerHost.StartAsync(database, virtualHost, clock: null, new Dictionary<string, string>
        {
            ["Scheduler:TickMilliseconds"] = "100",
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await scheduler.DisposeAsync();
        await checker.DisposeAsync();
        await listener.DisposeAsync();
        await database.DisposeAsync();
        await virtualHost.DisposeAsync();
    }

    Task PingAsync(params HeartbeatPing[] pings) =>
        scheduler.PublishAndWaitAsync(HeartbeatsPacked.Pack(Guid.NewGuid(), pings));

    [Test]
    public async Task A_missed_deadline_is_published_once_within_a_second()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(1, 0)));
        var pingedAt = DateTimeOffset.UtcNow;

        await PingAsync(Success(monitorId, pingedAt));

        var misses = await Poll.UntilAsync(
            () => Task.FromResult(listener.Of(m => m.MonitorId == monitorId)), m => m.Count > 0,
            TimeSpan.FromSeconds(10), "the miss");
        var (miss, receivedAt) = misses.Single();
        Assert.That(miss.Deadline, Is.EqualTo(pingedAt.AddSeconds(1)).Within(TimeSpan.FromMilliseconds(0.001)));
        Assert.That(miss.Reason, Is.EqualTo("late"));
        Assert.That(miss.DetectedAt - miss.Deadline, Is.LessThan(TimeSpan.FromSeconds(1)), "detected within a second");
        Assert.That(receivedAt - miss.Deadline, Is.LessThan(TimeSpan.FromSeconds(2)), "and published soon after");

        await Task.Delay(TimeSpan.FromSeconds(2)); // no further deadline until the next ping: nothing more may come
        Assert.That(listener.Of(m => m.MonitorId == monitorId), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Pings_in_time_prevent_the_miss_and_the_miss_counts_from_the_last_one()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(2, 0)));

        // Four seconds of pings every half second, each well inside the two seconds allowed.
        var last = DateTimeOffset.UtcNow;
        for (var i = 0; i < 8; i++)
        {
            last = DateTimeOffset.UtcNow;
            await PingAsync(Success(monitorId, last));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        Assert.That(listener.Of(m => m.MonitorId == monitorId), Is.Empty, "never late while pinged in time");

        var misses = await Poll.UntilAsync(
            () => Task.FromResult(listener.Of(m => m.MonitorId == monitorId)), m => m.Count > 0,
            TimeSpan.FromSeconds(10), "the miss");
        Assert.That(misses.Single().Miss.Deadline, Is.EqualTo(last.AddSeconds(2)).Within(TimeSpan.FromMilliseconds(0.001)));
    }

    [Test]
    public async Task A_started_run_that_never_finishes_is_reported_as_a_run_timeout()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(3600, 1)));
        var startedAt = DateTimeOffset.UtcNow;

        await PingAsync(Start(monitorId, startedAt));

        var misses = await Poll.UntilAsync(
            () => Task.FromResult(listener.Of(m => m.MonitorId == monitorId)), m => m.Count > 0,
            TimeSpan.FromSeconds(10), "the run timeout");
        Assert.That(misses.Single().Miss.Reason, Is.EqualTo("run-timeout"));
        Assert.That(misses.Single().Miss.Deadline, Is.EqualTo(startedAt.AddSeconds(1)).Within(TimeSpan.FromMilliseconds(0.001)));
    }

    [Test]
    public async Task Heartbeat_monitors_get_no_check_batches_and_a_type_change_moves_a_monitor_in_or_out()
    {
        var http = Guid.NewGuid();
        var heartbeat = Guid.NewGuid();
        var becomesHttp = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Catalog.Upserted(http, 1, intervalSeconds: 1));
        await scheduler.PublishAndWaitAsync(Upserted(heartbeat, 1, Period(60, 0)));
        await scheduler.PublishAndWaitAsync(Upserted(becomesHttp, 1, Period(60, 0)));

        await Poll.UntilAsync(
            () => Task.FromResult(checker.ChecksOf(c => c.MonitorId == http)), c => c.Count >= 2,
            TimeSpan.FromSeconds(30), "two checks of the http monitor");
        Assert.That(checker.ChecksOf(c => c.MonitorId == heartbeat || c.MonitorId == becomesHttp), Is.Empty);

        await scheduler.PublishAndWaitAsync(Catalog.Upserted(becomesHttp, 2, intervalSeconds: 1));
        await scheduler.PublishAndWaitAsync(Upserted(http, 2, Period(60, 0)));
        await Poll.UntilAsync(
            () => Task.FromResult(checker.ChecksOf(c => c.MonitorId == becomesHttp)), c => c.Count >= 2,
            TimeSpan.FromSeconds(30), "checks of the monitor that became http");
        var httpChecks = checker.ChecksOf(c => c.MonitorId == http).Count;
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.That(checker.ChecksOf(c => c.MonitorId == http), Has.Count.EqualTo(httpChecks),
            "a monitor that became a heartbeat is checked no more");
        Assert.That(checker.ChecksOf(c => c.MonitorId == heartbeat), Is.Empty);
    }
}
