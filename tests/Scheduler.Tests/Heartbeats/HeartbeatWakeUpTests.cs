using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.Scheduler.Heartbeats;
using Sentinel.Testing;
using static Sentinel.Scheduler.Tests.Heartbeats.Pings;

namespace Sentinel.Scheduler.Tests.Heartbeats;

/// The lazy wake-up time (heartbeats.wake_at, the indexed column the deadline loop scans) against the true deadline
/// (deadline_at): pings only ever lower it, the loop moves it up without a miss, and a miss still reports the true
/// deadline. A database of its own, so each deadline round's counts are this fixture's alone; fake clock, rounds run
/// by the tests, misses received from the broker.
public sealed class HeartbeatWakeUpTests
{
    readonly FakeTimeProvider clock = new(Catalog.Start);
    TestDatabase database = null!;
    TestVirtualHost virtualHost = null!;
    MissListener listener = null!;
    SchedulerHost scheduler = null!;

    DateTimeOffset Now => clock.GetUtcNow();

    [OneTimeSetUp]
    public async Task StartScheduler()
    {
        database = await TestDatabase.CreateAsync("scheduler_hb_wake");
        virtualHost = await TestVirtualHost.CreateAsync("scheduler_hb_wake");
        listener = await MissListener.StartAsync(virtualHost);
        scheduler = await SchedulerHost.StartAsync(database, virtualHost, clock);
    }

    [OneTimeTearDown]
    public async Task StopScheduler()
    {
        await scheduler.DisposeAsync();
        await listener.DisposeAsync();
        await database.DisposeAsync();
        await virtualHost.DisposeAsync();
    }

    [SetUp]
    public async Task NothingLeftDue()
    {
        // Each test starts with no wake-up time passed, so its rounds count only its own heartbeat.
        await database.ExecuteAsync("delete from scheduler.heartbeats");
    }

    async Task<Heartbeat> FindAsync(Guid monitorId)
    {
        await using var scope = scheduler.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SchedulerDb>().Heartbeats.AsNoTracking()
            .SingleAsync(h => h.MonitorId == monitorId);
    }

    async Task<MissRound> ReportMissedAsync()
    {
        await using var scope = scheduler.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MissedDeadlines>().ReportMissedAsync(CancellationToken.None);
    }

    Task PingAsync(params HeartbeatPing[] pings) =>
        scheduler.PublishAndWaitAsync(HeartbeatsPacked.Pack(Guid.NewGuid(), pings));

    [Test]
    public async Task A_ping_that_moves_the_deadline_later_leaves_the_wake_up_time_where_it_was()
    {
        var monitorId = Guid.NewGuid();
        var first = Now;
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30)));
        await PingAsync(Success(monitorId, first));
        var pinged = await FindAsync(monitorId);
        Assert.That(pinged.NextDeadlineAt, Is.EqualTo(first.AddSeconds(90)));
        Assert.That(pinged.WakeAt, Is.EqualTo(first.AddSeconds(90)), "the first deadline sets the wake-up time");

        clock.Advance(TimeSpan.FromSeconds(10));
        await PingAsync(Success(monitorId, Now));

        var later = await FindAsync(monitorId);
        Assert.That(later.NextDeadlineAt, Is.EqualTo(first.AddSeconds(100)), "the true deadline moves with the ping");
        Assert.That(later.WakeAt, Is.EqualTo(first.AddSeconds(90)), "the indexed wake-up time does not");
        Assert.That(await database.CountAsync(
                $"select count(*) from scheduler.heartbeats where monitor_id = '{monitorId}' and wake_at = deadline_at"),
            Is.Zero, "as stored, not only as mapped");
    }

    [Test]
    public async Task A_heartbeat_woken_before_its_true_deadline_is_rescheduled_without_a_miss_and_missed_at_that_deadline()
    {
        var monitorId = Guid.NewGuid();
        var first = Now;
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30)));
        await PingAsync(Success(monitorId, first));
        clock.Advance(TimeSpan.FromSeconds(10));
        await PingAsync(Success(monitorId, Now));
        var trueDeadline = first.AddSeconds(100);

        clock.Advance(TimeSpan.FromSeconds(81)); // first + 91 s: past the wake-up (first + 90 s) and the settle margin
        var early = await ReportMissedAsync();

        Assert.That(early, Is.EqualTo(new MissRound(0, 1, TimeSpan.Zero, Full: false)), "woken, rescheduled, not missed");
        var rescheduled = await FindAsync(monitorId);
        Assert.That(rescheduled.State, Is.EqualTo(HeartbeatStates.Up));
        Assert.That(rescheduled.NextDeadlineAt, Is.EqualTo(trueDeadline));
        Assert.That(rescheduled.WakeAt, Is.EqualTo(trueDeadline), "woken next at the true deadline");
        Assert.That(await ReportMissedAsync(), Is.EqualTo(MissRound.Empty), "nothing due until then");

        clock.Advance(TimeSpan.FromSeconds(9)); // first + 100 s: the deadline, but not yet past the settle margin
        Assert.That(await ReportMissedAsync(), Is.EqualTo(MissRound.Empty), "the settle margin applies as before");
        clock.Advance(TimeSpan.FromSeconds(1));
        var missed = await ReportMissedAsync();

        Assert.That(missed.Misses, Is.EqualTo(1));
        Assert.That(missed.Rescheduled, Is.Zero);
        Assert.That(missed.OldestLag, Is.EqualTo(TimeSpan.FromSeconds(1)), "counted from the true deadline");
        var down = await FindAsync(monitorId);
        Assert.That(down.State, Is.EqualTo(HeartbeatStates.Down));
        Assert.That(down.NextDeadlineAt, Is.Null);
        Assert.That(down.WakeAt, Is.Null);

        clock.Advance(TimeSpan.FromSeconds(1)); // the outbox relay waits on this clock
        var misses = await Poll.UntilAsync(
            () => Task.FromResult(listener.Of(m => m.MonitorId == monitorId)), m => m.Count > 0,
            TimeSpan.FromSeconds(10), "the miss");
        Assert.That(misses.Single().Miss.Deadline, Is.EqualTo(trueDeadline), "the true deadline, not the wake-up time");
        Assert.That(misses.Single().Miss.Reason, Is.EqualTo(HeartbeatDeadlines.Late));
    }

    [Test]
    public async Task A_start_ping_whose_run_times_out_first_lowers_the_wake_up_time_and_a_fail_clears_it()
    {
        var monitorId = Guid.NewGuid();
        var first = Now;
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(3600, 60)));
        await PingAsync(Success(monitorId, first));
        Assert.That((await FindAsync(monitorId)).WakeAt, Is.EqualTo(first.AddSeconds(3660)));

        clock.Advance(TimeSpan.FromSeconds(10));
        var runId = Guid.NewGuid();
        await PingAsync(Start(monitorId, Now, runId));

        var started = await FindAsync(monitorId);
        Assert.That(started.DeadlineReason, Is.EqualTo(HeartbeatDeadlines.RunTimeout));
        Assert.That(started.NextDeadlineAt, Is.EqualTo(first.AddSeconds(70)));
        Assert.That(started.WakeAt, Is.EqualTo(first.AddSeconds(70)), "an earlier deadline lowers the wake-up time at once");

        clock.Advance(TimeSpan.FromSeconds(5));
        await PingAsync(Success(monitorId, Now, runId));
        var finished = await FindAsync(monitorId);
        Assert.That(finished.NextDeadlineAt, Is.EqualTo(first.AddSeconds(3675)));
        Assert.That(finished.WakeAt, Is.EqualTo(first.AddSeconds(70)), "a later one leaves it");

        clock.Advance(TimeSpan.FromSeconds(5));
        await PingAsync(Fail(monitorId, Now));
        var failed = await FindAsync(monitorId);
        Assert.That(failed.State, Is.EqualTo(HeartbeatStates.Down));
        Assert.That(failed.NextDeadlineAt, Is.Null);
        Assert.That(failed.WakeAt, Is.Null, "no deadline, nothing to wake up for");
    }
}
