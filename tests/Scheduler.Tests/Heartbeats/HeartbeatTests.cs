using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.Scheduler.Heartbeats;
using static Sentinel.Scheduler.Tests.Heartbeats.Pings;

namespace Sentinel.Scheduler.Tests.Heartbeats;

/// A heartbeat's state transitions: pings, misses, pause and manual resume.
public sealed class HeartbeatTests
{
    FakeTimeProvider clock = null!;
    Guid monitorId;

    [SetUp]
    public void NewClockAndMonitor()
    {
        clock = new FakeTimeProvider(Catalog.Start);
        monitorId = Guid.NewGuid();
    }

    DateTimeOffset Now => clock.GetUtcNow();

    Heartbeat Create(HeartbeatCheckSpec spec, bool paused = false) =>
        Heartbeat.Create(Upserted(monitorId, 1, spec, paused), spec, Now);

    [Test]
    public void A_new_heartbeat_has_no_deadline_until_its_first_ping()
    {
        var heartbeat = Create(Period(60, 30));

        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.New));
        Assert.That(heartbeat.NextDeadlineAt, Is.Null);
    }

    [Test]
    public void A_success_makes_it_up_with_a_deadline_of_period_plus_grace_and_a_miss_takes_it_down()
    {
        var heartbeat = Create(Period(60, 30));

        heartbeat.Apply(Success(monitorId, Now), Now);
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Up));
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(90)));
        Assert.That(heartbeat.DeadlineReason, Is.EqualTo(HeartbeatDeadlines.Late));

        clock.Advance(TimeSpan.FromSeconds(90.2));
        var missed = heartbeat.Miss(Now);

        Assert.That(missed.Deadline, Is.EqualTo(Catalog.Start.AddSeconds(90)));
        Assert.That(missed.Reason, Is.EqualTo(HeartbeatDeadlines.Late));
        Assert.That(missed.LastPingAt, Is.EqualTo(Catalog.Start));
        Assert.That(missed.DetectedAt, Is.EqualTo(Now));
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Down));
        Assert.That(heartbeat.NextDeadlineAt, Is.Null, "no further deadline until the next ping");

        heartbeat.Apply(Success(monitorId, Now), Now);
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Up));
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(90)));
    }

    [Test]
    public void A_ping_one_tick_before_the_deadline_is_in_time_and_moves_it()
    {
        var heartbeat = Create(Period(60, 30));
        heartbeat.Apply(Success(monitorId, Now), Now);
        var deadline = heartbeat.NextDeadlineAt!.Value;

        clock.Advance(TimeSpan.FromSeconds(90) - TimeSpan.FromTicks(10)); // a microsecond: what PostgreSQL keeps
        Assert.That(HeartbeatDeadlines.IsMissed(deadline, Now), Is.False);
        heartbeat.Apply(Success(monitorId, Now), Now);

        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(90)));
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Up));
    }

    [Test]
    public void A_start_without_a_finish_times_out_after_grace()
    {
        var heartbeat = Create(Period(3600, 120));
        heartbeat.Apply(Success(monitorId, Now), Now);

        clock.Advance(TimeSpan.FromMinutes(50));
        heartbeat.Apply(Start(monitorId, Now), Now);

        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Started));
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(120)), "start + grace comes before the hourly deadline");
        Assert.That(heartbeat.DeadlineReason, Is.EqualTo(HeartbeatDeadlines.RunTimeout));

        clock.Advance(TimeSpan.FromSeconds(121));
        var missed = heartbeat.Miss(Now);
        Assert.That(missed.Reason, Is.EqualTo(HeartbeatDeadlines.RunTimeout));
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Down));
        Assert.That(heartbeat.OpenRuns, Is.Empty, "the timed-out run is what the miss reported");
        Assert.That(heartbeat.NextDeadlineAt, Is.Null);
    }

    [Test]
    public void A_start_and_its_success_leave_the_period_deadline_from_the_success()
    {
        var heartbeat = Create(Period(600, 60));
        heartbeat.Apply(Start(monitorId, Now), Now);
        clock.Advance(TimeSpan.FromSeconds(30));

        heartbeat.Apply(Success(monitorId, Now), Now);

        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Up));
        Assert.That(heartbeat.OpenRuns, Is.Empty);
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(660)));
        Assert.That(heartbeat.DeadlineReason, Is.EqualTo(HeartbeatDeadlines.Late));
    }

    [Test]
    public void Concurrent_runs_are_paired_by_run_id_and_the_oldest_open_one_sets_the_timeout()
    {
        var heartbeat = Create(Period(3600, 300));
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var firstStart = Now;
        heartbeat.Apply(Start(monitorId, Now, first), Now);
        clock.Advance(TimeSpan.FromSeconds(60));
        var secondStart = Now;
        heartbeat.Apply(Start(monitorId, Now, second), Now);
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(firstStart.AddSeconds(300)));

        // The first run finishes: the second is still running and now sets the timeout.
        clock.Advance(TimeSpan.FromSeconds(60));
        heartbeat.Apply(Success(monitorId, Now, first), Now);
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Started));
        Assert.That(heartbeat.OpenRuns.Select(r => r.RunId), Is.EqualTo(new Guid?[] { second }));
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(secondStart.AddSeconds(300)));
        Assert.That(heartbeat.DeadlineReason, Is.EqualTo(HeartbeatDeadlines.RunTimeout));

        // A finish for a run nobody started closes nothing.
        clock.Advance(TimeSpan.FromSeconds(1));
        heartbeat.Apply(Success(monitorId, Now, Guid.NewGuid()), Now);
        Assert.That(heartbeat.OpenRuns, Has.Count.EqualTo(1));

        clock.Advance(TimeSpan.FromSeconds(60));
        heartbeat.Apply(Success(monitorId, Now, second), Now);
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Up));
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(3900)));
    }

    [Test]
    public void A_second_start_without_run_id_restarts_the_anonymous_run()
    {
        var heartbeat = Create(Period(3600, 300));
        heartbeat.Apply(Start(monitorId, Now), Now);
        clock.Advance(TimeSpan.FromSeconds(100));

        heartbeat.Apply(Start(monitorId, Now), Now);

        Assert.That(heartbeat.OpenRuns, Has.Count.EqualTo(1));
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(300)));
    }

    [Test]
    public void A_fail_takes_it_down_at_once_with_no_deadline_until_the_next_success()
    {
        var heartbeat = Create(Period(60, 30));
        heartbeat.Apply(Start(monitorId, Now), Now);
        clock.Advance(TimeSpan.FromSeconds(5));

        heartbeat.Apply(Fail(monitorId, Now), Now);

        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Down));
        Assert.That(heartbeat.NextDeadlineAt, Is.Null);
        Assert.That(heartbeat.OpenRuns, Is.Empty, "the fail finished the run");
    }

    [Test]
    public void A_log_changes_nothing()
    {
        var heartbeat = Create(Period(60, 30));
        heartbeat.Apply(Success(monitorId, Now), Now);
        var deadline = heartbeat.NextDeadlineAt;
        clock.Advance(TimeSpan.FromSeconds(10));

        var changed = heartbeat.Apply(Ping(monitorId, HeartbeatPingKinds.Log, Now), Now);

        Assert.That(changed, Is.False);
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(deadline));
        Assert.That(heartbeat.LastPingKind, Is.EqualTo(HeartbeatPingKinds.Success));
    }

    [Test]
    public void An_older_ping_arriving_late_or_the_same_ping_again_never_moves_the_deadline_backwards()
    {
        var heartbeat = Create(Period(60, 30));
        var older = Success(monitorId, Now);
        clock.Advance(TimeSpan.FromSeconds(20));
        var newer = Success(monitorId, Now);
        heartbeat.Apply(newer, Now);

        Assert.That(heartbeat.Apply(older, Now), Is.False, "older");
        Assert.That(heartbeat.Apply(newer, Now), Is.False, "redelivered");
        Assert.That(heartbeat.Apply(Fail(monitorId, older.ReceivedAt), Now), Is.False, "an older fail");
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(newer.ReceivedAt.AddSeconds(90)));
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Up));
    }

    [Test]
    public void A_paused_heartbeat_keeps_its_pings_but_neither_state_nor_deadline_and_unpausing_starts_it_new()
    {
        var spec = Period(60, 30);
        var heartbeat = Create(spec);
        heartbeat.Apply(Success(monitorId, Now), Now);

        heartbeat.Apply(Upserted(monitorId, 2, spec, paused: true), spec, Now);
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Paused));
        Assert.That(heartbeat.NextDeadlineAt, Is.Null);

        clock.Advance(TimeSpan.FromSeconds(10));
        heartbeat.Apply(Fail(monitorId, Now), Now);
        Assert.That(heartbeat.LastPingAt, Is.EqualTo(Now), "the ping is kept");
        Assert.That(heartbeat.LastPingKind, Is.EqualTo(HeartbeatPingKinds.Fail));
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Paused));
        Assert.That(heartbeat.NextDeadlineAt, Is.Null);

        heartbeat.Apply(Upserted(monitorId, 3, spec, resumedAt: Now), spec, Now);
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.New));
        Assert.That(heartbeat.NextDeadlineAt, Is.Null, "no deadline until the next ping");
    }

    [Test]
    public void A_manual_resume_heartbeat_stays_down_through_successes_until_it_is_resumed()
    {
        var spec = Period(60, 30, manualResume: true);
        var heartbeat = Create(spec);
        heartbeat.Apply(Fail(monitorId, Now), Now);

        clock.Advance(TimeSpan.FromSeconds(10));
        heartbeat.Apply(Success(monitorId, Now), Now);
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Down));
        Assert.That(heartbeat.NextDeadlineAt, Is.Null);
        Assert.That(heartbeat.LastPingKind, Is.EqualTo(HeartbeatPingKinds.Success));

        // An edit that is not a resume changes nothing about that.
        heartbeat.Apply(Upserted(monitorId, 2, spec), spec, Now);
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Down));

        clock.Advance(TimeSpan.FromSeconds(10));
        heartbeat.Apply(Upserted(monitorId, 3, spec, resumedAt: Now), spec, Now);
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.New));

        clock.Advance(TimeSpan.FromSeconds(10));
        heartbeat.Apply(Success(monitorId, Now), Now);
        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Up));
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(90)));
    }

    [Test]
    public void A_manual_resume_heartbeat_that_missed_its_deadline_stays_down()
    {
        var spec = Period(60, 30, manualResume: true);
        var heartbeat = Create(spec);
        heartbeat.Apply(Success(monitorId, Now), Now);
        clock.Advance(TimeSpan.FromSeconds(91));
        heartbeat.Miss(Now);

        heartbeat.Apply(Success(monitorId, Now), Now);

        Assert.That(heartbeat.State, Is.EqualTo(HeartbeatStates.Down));
        Assert.That(heartbeat.NextDeadlineAt, Is.Null);
    }

    [Test]
    public void A_period_change_moves_the_deadline_of_an_up_heartbeat_from_its_last_success()
    {
        var heartbeat = Create(Period(60, 30));
        var success = Now;
        heartbeat.Apply(Success(monitorId, Now), Now);
        clock.Advance(TimeSpan.FromSeconds(10));

        var longer = Period(3600, 60);
        heartbeat.Apply(Upserted(monitorId, 2, longer), longer, Now);

        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(success.AddSeconds(3660)));
        Assert.That(heartbeat.Apply(Upserted(monitorId, 2, Period(5, 5)), Period(5, 5), Now), Is.False, "same version again");
    }

    [Test]
    public void A_cron_heartbeat_expects_its_next_slot_after_the_success_plus_grace()
    {
        var heartbeat = Create(Cron("0 2 * * *", "Europe/Berlin", 600));
        var saturday = new DateTimeOffset(2026, 3, 28, 1, 0, 5, TimeSpan.Zero); // 02:00:05 CET

        heartbeat.Apply(Success(monitorId, saturday), Now);

        // Sunday 02:00 does not exist in Berlin: 03:00 CEST (01:00 UTC), then ten minutes of grace.
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(new DateTimeOffset(2026, 3, 29, 1, 10, 0, TimeSpan.Zero)));
    }

    [Test]
    public void The_displayed_state_is_grace_between_the_expected_time_and_the_deadline()
    {
        var heartbeat = Create(Period(60, 30));
        heartbeat.Apply(Success(monitorId, Now), Now);

        Assert.That(HeartbeatView.StateAt(heartbeat, Now.AddSeconds(60)), Is.EqualTo(HeartbeatStates.Up));
        Assert.That(HeartbeatView.StateAt(heartbeat, Now.AddSeconds(60).AddTicks(1)), Is.EqualTo(HeartbeatStates.Grace));
        Assert.That(HeartbeatView.StateAt(heartbeat, Now.AddSeconds(90).AddTicks(-1)), Is.EqualTo(HeartbeatStates.Grace));
        Assert.That(HeartbeatView.StateAt(heartbeat, Now.AddSeconds(90)), Is.EqualTo(HeartbeatStates.Down),
            "late, even before the loop has reported it");

        heartbeat.Apply(Start(monitorId, Now.AddSeconds(1)), Now);
        var view = HeartbeatView.At(heartbeat, Now.AddSeconds(2));
        Assert.That(view.State, Is.EqualTo(HeartbeatStates.Started));
        Assert.That(view.RunStartedAt, Is.EqualTo(Now.AddSeconds(1)));
        Assert.That(view.LastPingKind, Is.EqualTo(HeartbeatPingKinds.Start));
    }
}
