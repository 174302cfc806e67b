using Sentinel.AlertEvaluation.Heartbeats;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Tests.Heartbeats;

public sealed class RunTrackerTests
{
    static readonly DateTimeOffset Start = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
    static readonly Guid Tenant = Guid.NewGuid();
    static readonly Guid Monitor = Guid.NewGuid();

    static HeartbeatPing Ping(string kind, Guid? rid = null) =>
        new(Guid.NewGuid(), Monitor, Tenant, kind, Start, "GET", null, null, null, false, null, rid);

    static RunChange Apply(List<HeartbeatRun> runs, HeartbeatPing ping, double seconds) => RunTracker.Apply(runs, ping, Start.AddSeconds(seconds));

    [Test]
    public void Concurrent_runs_are_paired_by_rid_whatever_order_they_finish_in()
    {
        var runs = new List<HeartbeatRun>();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var startA = Apply(runs, Ping(HeartbeatPingKinds.Start, a), 0).Started!;
        var startB = Apply(runs, Ping(HeartbeatPingKinds.Start, b), 10).Started!;

        var finishB = Apply(runs, Ping(HeartbeatPingKinds.Success, b), 40).Finished;
        var finishA = Apply(runs, Ping(HeartbeatPingKinds.Fail, a), 100).Finished;

        Assert.That(finishB, Is.SameAs(startB));
        Assert.That(finishA, Is.SameAs(startA));
        Assert.That(startB, Has.Property(nameof(HeartbeatRun.DurationMs)).EqualTo(30_000).And.Property(nameof(HeartbeatRun.Outcome)).EqualTo("success"));
        Assert.That(startA, Has.Property(nameof(HeartbeatRun.DurationMs)).EqualTo(100_000).And.Property(nameof(HeartbeatRun.Outcome)).EqualTo("fail"));
        Assert.That(startA.RunId, Is.EqualTo(a));
    }

    [Test]
    public void A_finish_without_rid_closes_the_latest_open_start_without_rid_and_never_one_with_a_rid()
    {
        var runs = new List<HeartbeatRun>();
        var first = Apply(runs, Ping(HeartbeatPingKinds.Start), 0).Started!;
        var second = Apply(runs, Ping(HeartbeatPingKinds.Start), 5).Started!;
        var withRid = Apply(runs, Ping(HeartbeatPingKinds.Start, Guid.NewGuid()), 8).Started!;

        Assert.That(Apply(runs, Ping(HeartbeatPingKinds.Success), 20).Finished, Is.SameAs(second));
        Assert.That(second.Anonymous, Is.True);
        Assert.That(second.RunId, Is.EqualTo(second.Id));
        Assert.That(first.IsOpen && withRid.IsOpen, Is.True);
        Assert.That(Apply(runs, Ping(HeartbeatPingKinds.Success, Guid.NewGuid()), 30), Is.EqualTo(RunChange.None), "an unknown rid pairs with nothing");
    }

    [Test]
    public void Redelivered_pings_open_and_close_nothing_new_but_name_the_run_they_closed()
    {
        var runs = new List<HeartbeatRun>();
        var start = Ping(HeartbeatPingKinds.Start);
        var finish = Ping(HeartbeatPingKinds.Success);
        var run = Apply(runs, start, 0).Started!;
        Apply(runs, Ping(HeartbeatPingKinds.Start), 1);
        Assert.That(Apply(runs, start, 0), Is.EqualTo(RunChange.None));

        var closed = Apply(runs, finish, 10).Finished;
        var again = Apply(runs, finish, 10);

        Assert.That(closed, Is.Not.SameAs(run), "the latest start was closed");
        Assert.That(again.Finished, Is.SameAs(closed));
        Assert.That(runs.Count(r => r.IsOpen), Is.EqualTo(1));
    }

    [Test]
    public void Log_pings_and_finishes_without_a_start_record_no_run()
    {
        var runs = new List<HeartbeatRun>();
        Assert.That(Apply(runs, Ping(HeartbeatPingKinds.Log), 0), Is.EqualTo(RunChange.None));
        Assert.That(Apply(runs, Ping(HeartbeatPingKinds.Success), 1), Is.EqualTo(RunChange.None));
        Assert.That(runs, Is.Empty);
    }

    [Test]
    public void A_run_timeout_closes_runs_older_than_the_grace_time_without_a_duration()
    {
        var runs = new List<HeartbeatRun>();
        var old = Apply(runs, Ping(HeartbeatPingKinds.Start), 0).Started!;
        var recent = Apply(runs, Ping(HeartbeatPingKinds.Start, Guid.NewGuid()), 50).Started!;

        var closed = RunTracker.TimeOut(runs, Start.AddSeconds(60), graceSeconds: 60);

        Assert.That(closed, Is.EqualTo(new[] { old }));
        Assert.That(old, Has.Property(nameof(HeartbeatRun.Outcome)).EqualTo("timeout")
            .And.Property(nameof(HeartbeatRun.FinishedAt)).EqualTo(Start.AddSeconds(60))
            .And.Property(nameof(HeartbeatRun.DurationMs)).Null);
        Assert.That(recent.IsOpen, Is.True);
    }
}
