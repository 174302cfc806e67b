using Sentinel.AlertEvaluation.History;
using Sentinel.AlertEvaluation.Incidents;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Tests.Heartbeats;

public sealed class MonitorResumptionTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    static MonitorCopy Monitor(DateTimeOffset? resumedAt = null, bool paused = false, long version = 1) =>
        MonitorCopy.From(Upserted(resumedAt, paused, version));

    static MonitorUpserted Upserted(DateTimeOffset? resumedAt, bool paused = false, long version = 1) =>
        new(Guid.Empty, Guid.Empty, version, "backup", "heartbeat", 0, 0, paused, 1, 1, [], true, null, [], null, Now,
            Check: new CheckSpec(Heartbeat: new HeartbeatCheckSpec(60, null, null, 60, ManualResume: true)), ResumedAt: resumedAt);

    [Test]
    public void Resuming_a_down_monitor_resolves_its_incident_and_starts_it_afresh_as_new()
    {
        var monitor = Monitor();
        var incident = Incident.Open(monitor, "fail ping", Now.AddMinutes(-5), Now.AddMinutes(-5));
        var lastDue = Now.AddMinutes(-1);
        var state = new MonitorState
        {
            MonitorId = monitor.MonitorId, TenantId = monitor.TenantId, Status = MonitorStatuses.Down, ConsecutiveFailures = 3,
            FirstFailureAt = Now.AddMinutes(-5), LastError = "fail ping", OpenIncidentId = incident.Id, Flapping = true,
            ChangeTimes = [Now.AddMinutes(-5)], FiredRuleIds = [Guid.NewGuid()], NextDueAt = Now.AddMinutes(10), LastDueAt = lastDue,
        };

        var e = MonitorResumption.Apply(state, monitor, incident, Now);

        Assert.That(state, Has.Property(nameof(MonitorState.Status)).EqualTo(MonitorStatuses.New)
            .And.Property(nameof(MonitorState.ConsecutiveFailures)).Zero
            .And.Property(nameof(MonitorState.OpenIncidentId)).Null
            .And.Property(nameof(MonitorState.Flapping)).False
            .And.Property(nameof(MonitorState.FiredRuleIds)).Empty
            .And.Property(nameof(MonitorState.NextDueAt)).Null
            .And.Property(nameof(MonitorState.LastDueAt)).EqualTo(lastDue));
        Assert.That(incident.IsOpen, Is.False);
        Assert.That(e.Events, Has.Exactly(1).InstanceOf<IncidentResolved>());
        Assert.That(e.Events.OfType<MonitorStatusChanged>().Single(), Has.Property(nameof(MonitorStatusChanged.Status)).EqualTo("new")
            .And.Property(nameof(MonitorStatusChanged.PreviousStatus)).EqualTo("down")
            .And.Property(nameof(MonitorStatusChanged.Error)).EqualTo("resumed"));
        Assert.That(e.History.Single().Kind, Is.EqualTo(HistoryKinds.Resolved));
        Assert.That(e.Alerts, Is.Empty, "the person who resumed it knows; nobody is paged");
    }

    [Test]
    public void Resuming_a_monitor_that_is_already_new_publishes_nothing()
    {
        var state = new MonitorState { Status = MonitorStatuses.New };
        Assert.That(MonitorResumption.Apply(state, Monitor(), null, Now).Events, Is.Empty);
    }

    [Test]
    public void Only_a_newer_resume_of_an_unpaused_monitor_counts_as_a_resume()
    {
        var copy = Monitor(resumedAt: Now);
        Assert.That(copy.IsResumedBy(Upserted(Now.AddSeconds(1), version: 2)), Is.True);
        Assert.That(copy.IsResumedBy(Upserted(Now, version: 2)), Is.False);
        Assert.That(copy.IsResumedBy(Upserted(null, version: 2)), Is.False);
        Assert.That(copy.IsResumedBy(Upserted(Now.AddSeconds(1), paused: true, version: 2)), Is.False);
        Assert.That(Monitor().IsResumedBy(Upserted(Now, version: 2)), Is.True);

        copy.Apply(Upserted(null, version: 3));
        Assert.That(copy.ResumedAt, Is.EqualTo(Now), "an event without ResumedAt does not forget the last resume");
    }
}
