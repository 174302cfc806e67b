using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Tests.State;

public sealed class EvaluatorTests
{
    static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    static readonly Guid Tenant = Guid.NewGuid();
    static readonly Guid ChannelA = Guid.NewGuid();
    static readonly Guid ChannelB = Guid.NewGuid();

    static MonitorCopy Monitor(int failureThreshold = 2, int recoveryThreshold = 1, bool alertOnRecovery = true, bool paused = false) =>
        MonitorCopy.From(new MonitorUpserted(
            Guid.NewGuid(), Tenant, 1, "api", "http", 5, 2, paused, failureThreshold, recoveryThreshold,
            [ChannelA, ChannelB], alertOnRecovery, null, [], null, Start));

    static MonitorChecked Result(MonitorCopy monitor, int n, bool up, string? error = null) =>
        new(DeterministicGuid.ForCheck(monitor.MonitorId, Start.AddSeconds(5 * n)), monitor.MonitorId, Tenant, up,
            up ? 200 : 503, 12, up ? null : error ?? "HTTP 503", Start.AddSeconds(5 * n), Start.AddSeconds(5 * n + 0.1));

    sealed class Run(MonitorCopy monitor)
    {
        public MonitorState State { get; } = new() { MonitorId = monitor.MonitorId, TenantId = Tenant };
        public Sentinel.AlertEvaluation.Incidents.Incident? Open { get; private set; }

        public Evaluation Apply(MonitorChecked result)
        {
            var evaluation = Evaluator.Apply(State, monitor, Open, result, result.CheckedAt);
            if (evaluation.Opened is not null)
                Open = evaluation.Opened;
            if (evaluation.Resolved is not null)
                Open = null;
            return evaluation;
        }
    }

    [Test]
    public void Down_alert_fires_once_when_threshold_is_reached()
    {
        var monitor = Monitor(failureThreshold: 2);
        var run = new Run(monitor);

        Assert.That(run.Apply(Result(monitor, 0, up: true)).Notifications, Is.Empty);
        var first = run.Apply(Result(monitor, 1, up: false));
        Assert.That(first.Notifications, Is.Empty, "one failure is below the threshold");
        Assert.That(run.State.Status, Is.EqualTo(MonitorStatuses.Up));

        var second = run.Apply(Result(monitor, 2, up: false, error: "connection refused"));
        Assert.That(second.Opened, Is.Not.Null);
        Assert.That(second.Notifications.Select(n => n.ChannelId), Is.EquivalentTo(new[] { ChannelA, ChannelB }));
        Assert.That(second.Notifications.All(n => n.Event == NotificationEvents.Down && n.Error == "connection refused"));
        Assert.That(second.Notifications[0].FirstFailureAt, Is.EqualTo(Result(monitor, 1, false).CheckedAt));
        Assert.That(second.Events.OfType<IncidentOpened>().Single().IncidentId, Is.EqualTo(second.Opened!.Id));
        Assert.That(second.Events.OfType<MonitorStatusChanged>().Single().Status, Is.EqualTo(MonitorStatuses.Down));
        Assert.That(run.State.Status, Is.EqualTo(MonitorStatuses.Down));

        var third = run.Apply(Result(monitor, 3, up: false));
        Assert.That(third.Notifications, Is.Empty, "already down: no second alert");
        Assert.That(third.Opened, Is.Null);
    }

    [Test]
    public void Recovery_resolves_the_incident_and_notifies_every_channel_once()
    {
        var monitor = Monitor(failureThreshold: 1, recoveryThreshold: 2);
        var run = new Run(monitor);
        var down = run.Apply(Result(monitor, 0, up: false));
        var incident = down.Opened!;

        Assert.That(run.Apply(Result(monitor, 1, up: true)).Notifications, Is.Empty, "one success is below recoveryThreshold");
        var up = run.Apply(Result(monitor, 2, up: true));

        Assert.That(up.Resolved, Is.SameAs(incident));
        Assert.That(incident.Status, Is.EqualTo("resolved"));
        Assert.That(incident.ResolvedAt, Is.EqualTo(Result(monitor, 2, true).CheckedAt));
        Assert.That(up.Notifications.Select(n => (n.ChannelId, n.Event, n.IncidentId)),
            Is.EquivalentTo(new[] { (ChannelA, "up", incident.Id), (ChannelB, "up", incident.Id) }));
        Assert.That(up.Events.OfType<IncidentResolved>().Single().IncidentId, Is.EqualTo(incident.Id));
        Assert.That(run.State.OpenIncidentId, Is.Null);
        Assert.That(run.Apply(Result(monitor, 3, up: true)).Notifications, Is.Empty);
    }

    [Test]
    public void A_redelivered_or_older_result_never_flips_the_state()
    {
        var monitor = Monitor(failureThreshold: 1);
        var run = new Run(monitor);
        run.Apply(Result(monitor, 5, up: true));

        var older = run.Apply(Result(monitor, 4, up: false));
        var repeated = run.Apply(Result(monitor, 5, up: false));

        Assert.That(older, Is.SameAs(Evaluation.Nothing));
        Assert.That(repeated, Is.SameAs(Evaluation.Nothing));
        Assert.That(run.State.Status, Is.EqualTo(MonitorStatuses.Up));
        Assert.That(run.State.ConsecutiveFailures, Is.Zero);
    }

    [Test]
    public void Recovery_without_alertOnRecovery_resolves_silently()
    {
        var monitor = Monitor(failureThreshold: 1, alertOnRecovery: false);
        var run = new Run(monitor);
        run.Apply(Result(monitor, 0, up: false));

        var up = run.Apply(Result(monitor, 1, up: true));

        Assert.That(up.Resolved, Is.Not.Null);
        Assert.That(up.Notifications, Is.Empty);
    }

    [Test]
    public void A_paused_monitor_is_not_evaluated()
    {
        var monitor = Monitor(failureThreshold: 1, paused: true);
        var run = new Run(monitor);

        Assert.That(run.Apply(Result(monitor, 0, up: false)), Is.SameAs(Evaluation.Nothing));
        Assert.That(run.State.Status, Is.EqualTo(MonitorStatuses.New));
    }

    [Test]
    public void Notification_ids_are_stable_per_incident_event_and_channel()
    {
        var monitor = Monitor(failureThreshold: 1);
        var run = new Run(monitor);
        var down = run.Apply(Result(monitor, 0, up: false));
        var n = down.Notifications[0];

        Assert.That(n.NotificationId, Is.EqualTo(DeterministicGuid.ForNotification(n.IncidentId, "down", n.ChannelId)));
        Assert.That(down.Notifications.Select(x => x.NotificationId).Distinct().Count(), Is.EqualTo(2));
    }
}
