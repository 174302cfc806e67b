using Sentinel.AlertEvaluation.Heartbeats;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Tests.Heartbeats;

public sealed class HeartbeatResultsTests
{
    static readonly DateTimeOffset Start = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
    static readonly Guid Tenant = Guid.NewGuid();
    static readonly Guid Monitor = Guid.NewGuid();

    static HeartbeatPing Ping(string kind, double seconds = 0, int? exit = null, Guid? rid = null, string? message = null) =>
        new(Guid.NewGuid(), Monitor, Tenant, kind, Start.AddSeconds(seconds).AddTicks(7), "GET", null, null, null, false, exit, rid, message);

    static HeartbeatRun FinishedRun(double seconds)
    {
        var run = HeartbeatRun.Start(Guid.NewGuid(), Tenant, Monitor, null, Start);
        run.Finish(Guid.NewGuid(), Start.AddSeconds(seconds), RunOutcomes.Success);
        return run;
    }

    [Test]
    public void A_success_ping_is_an_up_result_timed_at_its_arrival_to_the_microsecond_with_the_ping_id()
    {
        var ping = Ping(HeartbeatPingKinds.Success, 1.5);
        var result = HeartbeatResults.ForPing(ping, null, [])!;
        Assert.That(result, Has.Property(nameof(MonitorChecked.Up)).True
            .And.Property(nameof(MonitorChecked.CheckId)).EqualTo(ping.PingId)
            .And.Property(nameof(MonitorChecked.Error)).Null
            .And.Property(nameof(MonitorChecked.DueAt)).EqualTo(Start.AddSeconds(1.5))
            .And.Property(nameof(MonitorChecked.CheckedAt)).EqualTo(Start.AddSeconds(1.5)));
    }

    [TestCase(null, null, "fail ping")]
    [TestCase(3, null, "exit status 3")]
    [TestCase(255, null, "exit status 255")]
    [TestCase(null, "disk full", "disk full")]
    public void A_fail_ping_is_down_and_says_why(int? exit, string? message, string error)
    {
        var result = HeartbeatResults.ForPing(Ping(HeartbeatPingKinds.Fail, exit: exit, message: message), null, [])!;
        Assert.That(result.Up, Is.False);
        Assert.That(result.Error, Is.EqualTo(error));
    }

    [TestCase(HeartbeatPingKinds.Start)]
    [TestCase(HeartbeatPingKinds.Log)]
    public void Start_and_log_pings_are_no_result(string kind) =>
        Assert.That(HeartbeatResults.ForPing(Ping(kind), null, ["[DURATION] < 1m"]), Is.Null);

    [Test]
    public void A_run_longer_than_its_duration_condition_is_down_and_counts_as_failed()
    {
        var run = FinishedRun(11 * 60);
        var result = HeartbeatResults.ForPing(Ping(HeartbeatPingKinds.Success, 660), run, ["[DURATION] < 10m"])!;
        Assert.That(result.Up, Is.False);
        Assert.That(result.Error, Is.EqualTo("condition [DURATION] < 10m failed (actual: 660000)"));
        Assert.That(result.Conditions, Is.EqualTo(new[] { new ConditionResult("[DURATION] < 10m", false, "660000") }));
        Assert.That(result.LatencyMs, Is.EqualTo(660_000));
        Assert.That(run.Outcome, Is.EqualTo(RunOutcomes.Fail));
    }

    [Test]
    public void A_run_within_its_duration_condition_is_up_and_keeps_its_outcome()
    {
        var run = FinishedRun(9 * 60);
        var result = HeartbeatResults.ForPing(Ping(HeartbeatPingKinds.Success, 540), run, ["[DURATION] < 10m", "[STATUS] == 200"])!;
        Assert.That(result.Up, Is.True);
        Assert.That(result.Conditions, Has.Count.EqualTo(1), "only conditions on [DURATION] apply to a run");
        Assert.That(run.Outcome, Is.EqualTo(RunOutcomes.Success));
    }

    [Test]
    public void Without_a_finished_run_duration_conditions_are_not_evaluated()
    {
        var result = HeartbeatResults.ForPing(Ping(HeartbeatPingKinds.Success), null, ["[DURATION] < 10m"])!;
        Assert.That(result.Up, Is.True);
        Assert.That(result.Conditions, Is.Null);
    }

    [Test]
    public void A_miss_is_down_at_its_deadline_and_the_same_miss_has_the_same_id()
    {
        var late = new HeartbeatDeadlineMissed(Monitor, Tenant, Start, "late", Start.AddMinutes(-2), Start.AddSeconds(0.4));
        var again = late with { DetectedAt = Start.AddSeconds(3) };
        var timeout = late with { Reason = "run-timeout" };

        var result = HeartbeatResults.ForMiss(late);
        Assert.That(result, Has.Property(nameof(MonitorChecked.Up)).False
            .And.Property(nameof(MonitorChecked.Error)).EqualTo("no ping within period + grace (late)")
            .And.Property(nameof(MonitorChecked.DueAt)).EqualTo(Start));
        Assert.That(HeartbeatResults.ForMiss(again).CheckId, Is.EqualTo(result.CheckId));
        Assert.That(HeartbeatResults.ForMiss(timeout).CheckId, Is.Not.EqualTo(result.CheckId));
        Assert.That(HeartbeatResults.ForMiss(timeout).Error, Is.EqualTo("run did not finish within grace (run-timeout)"));
    }

    static MonitorCopy Heartbeat(bool manualResume, DateTimeOffset? resumedAt = null) =>
        MonitorCopy.From(new MonitorUpserted(Monitor, Tenant, 1, "backup", "heartbeat", 0, 0, false, 1, 1, [], true, null, [], null,
            Start, Check: new CheckSpec(Heartbeat: new HeartbeatCheckSpec(60, null, null, 30, manualResume)), ResumedAt: resumedAt));

    [Test]
    public void A_manual_resume_heartbeat_is_held_down_until_resumed_after_it_went_down()
    {
        var down = new MonitorState { MonitorId = Monitor, TenantId = Tenant, Status = MonitorStatuses.Down, StatusChangedAt = Start };
        Assert.That(HeartbeatResults.HeldDown(Heartbeat(manualResume: true), down), Is.True);
        Assert.That(HeartbeatResults.HeldDown(Heartbeat(manualResume: true, resumedAt: Start.AddMinutes(-1)), down), Is.True);
        Assert.That(HeartbeatResults.HeldDown(Heartbeat(manualResume: true, resumedAt: Start.AddMinutes(1)), down), Is.False);
        Assert.That(HeartbeatResults.HeldDown(Heartbeat(manualResume: false), down), Is.False);
        Assert.That(HeartbeatResults.HeldDown(Heartbeat(manualResume: true), new MonitorState { Status = MonitorStatuses.Up }), Is.False);
        Assert.That(HeartbeatResults.HeldDown(Heartbeat(manualResume: true), null), Is.False);
    }
}
