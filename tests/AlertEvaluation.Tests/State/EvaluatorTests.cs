using Sentinel.AlertEvaluation.Escalation;
using Sentinel.AlertEvaluation.History;
using Sentinel.AlertEvaluation.Incidents;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.Rules;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Tests.State;

public sealed class EvaluatorTests
{
    static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    static readonly Guid Tenant = Guid.NewGuid();
    static readonly Guid ChannelA = Guid.NewGuid();
    static readonly Guid ChannelB = Guid.NewGuid();
    static readonly Guid Senior = Guid.NewGuid();
    static readonly Guid Manager = Guid.NewGuid();

    static MonitorCopy Monitor(
        int failureThreshold = 2, int recoveryThreshold = 1, bool alertOnRecovery = true, bool paused = false,
        int resendEverySeconds = 0, Guid? policy = null, int? flapThreshold = null, int? flapWindowSeconds = null,
        string[]? tags = null) =>
        MonitorCopy.From(new MonitorUpserted(
            Guid.NewGuid(), Tenant, 1, "api", "http", 5, 2, paused, failureThreshold, recoveryThreshold,
            [ChannelA, ChannelB], alertOnRecovery, null, tags ?? [], null, Start, resendEverySeconds, policy, null,
            flapThreshold, flapWindowSeconds));

    static EscalationPolicyCopy Policy(params EscalationLevelSpec[] levels)
    {
        var policy = new EscalationPolicyCopy { PolicyId = Guid.NewGuid(), TenantId = Tenant };
        policy.Apply(new EscalationPolicyUpserted(policy.PolicyId, Tenant, 1, "on call", levels, Start));
        return policy;
    }

    static AlertRuleCopy Rule(int failures, params Guid[] channels)
    {
        var rule = new AlertRuleCopy { RuleId = Guid.NewGuid(), TenantId = Tenant };
        rule.Apply(new AlertRuleUpserted(rule.RuleId, Tenant, 1, "down 3 times", [], ["prod"], failures, channels, 1, Start));
        return rule;
    }

    static MonitorChecked Result(MonitorCopy monitor, int n, bool up, string? error = null) =>
        new(DeterministicGuid.ForCheck(monitor.MonitorId, Start.AddSeconds(5 * n)), monitor.MonitorId, Tenant, up,
            up ? 200 : 503, 12, up ? null : error ?? "HTTP 503", Start.AddSeconds(5 * n), Start.AddSeconds(5 * n + 0.1));

    /// Plays the consumer: keeps the open incident, and marks channels notified as the dispatcher would.
    sealed class Run(MonitorCopy monitor, Surroundings? around = null)
    {
        public MonitorState State { get; } = new() { MonitorId = monitor.MonitorId, TenantId = Tenant };
        public Incident? Open { get; private set; }
        public Surroundings Around { get; set; } = around ?? Surroundings.None;

        public Evaluation Apply(MonitorChecked result) => Apply(result, result.CheckedAt);

        public Evaluation Apply(MonitorChecked result, DateTimeOffset now) => Track(Evaluator.Apply(State, monitor, Open, Around, result, now));

        public Evaluation Tick(DateTimeOffset now) => Track(Evaluator.Tick(State, monitor, Open, Around, now));

        Evaluation Track(Evaluation evaluation)
        {
            if (evaluation.Opened is not null)
                Open = evaluation.Opened;
            if (evaluation.Resolved is not null)
                Open = null;
            foreach (var alert in evaluation.Alerts.Where(a => a.Kind != AlertKind.Recovery && a.Incident is not null))
                if (!alert.Incident!.NotifiedChannelIds.Contains(alert.Message.ChannelId))
                    alert.Incident.NotifiedChannelIds.Add(alert.Message.ChannelId);
            return evaluation;
        }
    }

    [Test]
    public void Every_notification_carries_the_monitors_tags()
    {
        var monitor = Monitor(failureThreshold: 1, tags: ["prod", "payments"]);
        var run = new Run(monitor);

        var down = run.Apply(Result(monitor, 0, up: false));
        var up = run.Apply(Result(monitor, 1, up: true));

        Assert.That(down.Notifications.Concat(up.Notifications).Select(n => n.Tags),
            Has.All.EquivalentTo(new[] { "prod", "payments" }));
        Assert.That(down.Notifications.Count() + up.Notifications.Count(), Is.EqualTo(4));
    }

    [Test]
    public void Down_alert_fires_once_when_threshold_is_exactly_reached()
    {
        var monitor = Monitor(failureThreshold: 2);
        var run = new Run(monitor);

        Assert.That(run.Apply(Result(monitor, 0, up: true)).Alerts, Is.Empty);
        var first = run.Apply(Result(monitor, 1, up: false));
        Assert.That(first.Alerts, Is.Empty, "one failure is below the threshold");
        Assert.That(run.State.Status, Is.EqualTo(MonitorStatuses.Up));

        var second = run.Apply(Result(monitor, 2, up: false, error: "connection refused"));
        Assert.That(second.Opened, Is.Not.Null);
        Assert.That(second.Notifications.Select(n => n.ChannelId), Is.EquivalentTo(new[] { ChannelA, ChannelB }));
        Assert.That(second.Notifications.All(n => n.Event == NotificationEvents.Down && n.Error == "connection refused"));
        Assert.That(second.Notifications.First().FirstFailureAt, Is.EqualTo(Result(monitor, 1, false).CheckedAt));
        Assert.That(second.Events.OfType<IncidentOpened>().Single().IncidentId, Is.EqualTo(second.Opened!.Id));
        Assert.That(second.Events.OfType<MonitorStatusChanged>().Single().Status, Is.EqualTo(MonitorStatuses.Down));
        Assert.That(second.History.Select(h => h.Kind), Does.Contain(HistoryKinds.Opened));

        var third = run.Apply(Result(monitor, 3, up: false));
        Assert.That(third.Alerts, Is.Empty, "already down: no second alert");
        Assert.That(third.Opened, Is.Null);
    }

    [Test]
    public void Recovery_resolves_the_incident_and_notifies_every_channel_that_heard_of_it()
    {
        var monitor = Monitor(failureThreshold: 1, recoveryThreshold: 2, policy: Guid.NewGuid());
        var run = new Run(monitor, Surroundings.None with { Policy = Policy(new EscalationLevelSpec(2, null, [Senior])) });
        var incident = run.Apply(Result(monitor, 0, up: false)).Opened!;
        run.Apply(Result(monitor, 1, up: false)); // level 1 (after 2 failures) tells Senior

        Assert.That(run.Apply(Result(monitor, 2, up: true)).Alerts, Is.Empty, "one success is below recoveryThreshold");
        var up = run.Apply(Result(monitor, 3, up: true));

        Assert.That(up.Resolved, Is.SameAs(incident));
        Assert.That(incident.Status, Is.EqualTo("resolved"));
        Assert.That(up.Notifications.Select(n => (n.ChannelId, n.Event)),
            Is.EquivalentTo(new[] { (ChannelA, "up"), (ChannelB, "up"), (Senior, "up") }));
        Assert.That(up.Notifications.All(n => n.ResolvedAt == Result(monitor, 3, true).CheckedAt));
        Assert.That(run.State.OpenIncidentId, Is.Null);
        Assert.That(run.Apply(Result(monitor, 4, up: true)).Alerts, Is.Empty);
    }

    [Test]
    public void A_redelivered_or_older_result_never_flips_the_state()
    {
        var monitor = Monitor(failureThreshold: 1);
        var run = new Run(monitor);
        run.Apply(Result(monitor, 5, up: true));

        var older = run.Apply(Result(monitor, 4, up: false));
        var repeated = run.Apply(Result(monitor, 5, up: false));

        Assert.That(older.Alerts, Is.Empty);
        Assert.That(repeated.Events, Is.Empty);
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
        Assert.That(up.Alerts, Is.Empty);
    }

    [Test]
    public void A_paused_monitor_is_not_evaluated()
    {
        var monitor = Monitor(failureThreshold: 1, paused: true);
        var run = new Run(monitor);

        Assert.That(run.Apply(Result(monitor, 0, up: false)).Events, Is.Empty);
        Assert.That(run.State.Status, Is.EqualTo(MonitorStatuses.New));
    }

    [Test]
    public void Notification_ids_are_stable_per_incident_event_and_channel()
    {
        var monitor = Monitor(failureThreshold: 1);
        var run = new Run(monitor);
        var down = run.Apply(Result(monitor, 0, up: false));
        var n = down.Notifications.First();

        Assert.That(n.NotificationId, Is.EqualTo(DeterministicGuid.ForNotification(n.IncidentId, "down", n.ChannelId)));
        Assert.That(down.Notifications.Select(x => x.NotificationId).Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public void Reminders_repeat_every_resendEverySeconds_while_down_and_stop_on_acknowledgement()
    {
        var monitor = Monitor(failureThreshold: 1, resendEverySeconds: 300);
        var run = new Run(monitor);
        var opened = run.Apply(Result(monitor, 0, up: false), Start).Opened!;
        Assert.That(run.State.NextDueAt, Is.EqualTo(Start.AddSeconds(300)));

        Assert.That(run.Tick(Start.AddSeconds(299)).Alerts, Is.Empty, "one second early");
        var first = run.Tick(Start.AddSeconds(300));
        Assert.That(first.Notifications.Select(n => (n.Event, n.ChannelId)),
            Is.EquivalentTo(new[] { ("reminder", ChannelA), ("reminder", ChannelB) }));
        Assert.That(run.State.NextDueAt, Is.EqualTo(Start.AddSeconds(600)));
        // A clock that was away for three periods sends one reminder, not three.
        var late = run.Tick(Start.AddSeconds(1500));
        Assert.That(late.Alerts, Has.Count.EqualTo(2));
        Assert.That(late.Notifications.Select(n => n.NotificationId), Is.Not.EquivalentTo(first.Notifications.Select(n => n.NotificationId)));
        Assert.That(opened.RemindersSent, Is.EqualTo(2));

        opened.Acknowledge(Start.AddSeconds(1600), Guid.NewGuid(), "ops");
        Assert.That(run.Tick(Start.AddSeconds(2000)).Alerts, Is.Empty);
        Assert.That(run.State.NextDueAt, Is.Null);
    }

    [Test]
    public void A_flapping_monitor_sends_one_flapping_notification_instead_of_one_per_change()
    {
        var monitor = Monitor(failureThreshold: 1, flapThreshold: 3, flapWindowSeconds: 600);
        var run = new Run(monitor);
        run.Apply(Result(monitor, 0, up: true));
        var alerts = new List<Alert>();
        for (var n = 1; n <= 10; n++)
            alerts.AddRange(run.Apply(Result(monitor, n, up: n % 2 == 0)).Alerts);

        Assert.That(run.State.Flapping, Is.True);
        // down (1), up (2), down (3): real alerts; the 4th change marks it flapping: one notification per channel.
        Assert.That(alerts.Count(a => a.Kind == AlertKind.Flapping), Is.EqualTo(2));
        Assert.That(alerts.Count(a => a.Kind == AlertKind.Down), Is.EqualTo(4), "two incidents before it flapped, two channels each");
        Assert.That(alerts.Skip(alerts.FindIndex(a => a.Kind == AlertKind.Flapping) + 2).Where(a => a.Kind != AlertKind.Recovery), Is.Empty,
            "no down alerts while flapping");

        // Stable (no change) for a whole window: flapping ends, and the next failure alerts as usual.
        var later = run.Apply(Result(monitor, 11, up: false), Start.AddMinutes(20));
        Assert.That(run.State.Flapping, Is.False);
        Assert.That(later.History.Select(h => h.Kind), Does.Contain(HistoryKinds.FlappingEnded));
        Assert.That(later.Alerts.Select(a => a.Kind), Is.EqualTo(new[] { AlertKind.Down, AlertKind.Down }));
    }

    [Test]
    public void Escalation_levels_fire_once_each_by_failure_count_and_by_minutes_unacknowledged()
    {
        var monitor = Monitor(failureThreshold: 1, policy: Guid.NewGuid());
        var policy = Policy(
            new EscalationLevelSpec(3, null, [Senior]),
            new EscalationLevelSpec(null, 10, [Manager]));
        var run = new Run(monitor, Surroundings.None with { Policy = policy });

        var down = run.Apply(Result(monitor, 0, up: false), Start);
        Assert.That(down.Alerts.Select(a => a.Kind), Is.All.EqualTo(AlertKind.Down));
        Assert.That(run.State.NextDueAt, Is.EqualTo(Start.AddMinutes(10)), "the minutes level is the next due time");
        Assert.That(run.Apply(Result(monitor, 1, up: false), Start.AddMinutes(1)).Alerts, Is.Empty, "two failures < 3");

        var third = run.Apply(Result(monitor, 2, up: false), Start.AddMinutes(2));
        Assert.That(third.Notifications.Select(n => (n.ChannelId, n.Event, n.EscalationLevel)),
            Is.EqualTo(new[] { (Senior, "escalation", (int?)1) }));
        var escalated = third.Events.OfType<IncidentEscalated>().Single();
        Assert.That((escalated.IncidentId, escalated.Level, escalated.EscalatedAt), Is.EqualTo((run.Open!.Id, 1, Start.AddMinutes(2))));
        Assert.That(escalated.ChannelIds, Is.EqualTo(new[] { Senior }));
        var fourth = run.Apply(Result(monitor, 3, up: false), Start.AddMinutes(3));
        Assert.That(fourth.Alerts, Is.Empty, "level 1 fires once");
        Assert.That(fourth.Events.OfType<IncidentEscalated>(), Is.Empty, "level 1 is announced once");

        Assert.That(run.Tick(Start.AddMinutes(10).AddSeconds(-1)).Alerts, Is.Empty);
        var manager = run.Tick(Start.AddMinutes(10));
        Assert.That(manager.Notifications.Select(n => (n.ChannelId, n.EscalationLevel)), Is.EqualTo(new[] { (Manager, (int?)2) }));
        Assert.That(manager.Events.OfType<IncidentEscalated>().Select(x => x.Level), Is.EqualTo(new[] { 2 }));
        var later = run.Tick(Start.AddMinutes(30));
        Assert.That(later.Alerts, Is.Empty, "level 2 fires once");
        Assert.That(later.Events.OfType<IncidentEscalated>(), Is.Empty);
        Assert.That(run.Open!.NotifiedLevels, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void Acknowledgement_between_levels_stops_the_later_levels()
    {
        var monitor = Monitor(failureThreshold: 1, policy: Guid.NewGuid());
        var policy = Policy(new EscalationLevelSpec(null, 5, [Senior]), new EscalationLevelSpec(null, 15, [Manager]));
        var run = new Run(monitor, Surroundings.None with { Policy = policy });
        run.Apply(Result(monitor, 0, up: false), Start);
        Assert.That(run.Tick(Start.AddMinutes(5)).Notifications.Single().ChannelId, Is.EqualTo(Senior));

        run.Open!.Acknowledge(Start.AddMinutes(6), Guid.NewGuid(), "senior");

        Assert.That(run.Tick(Start.AddMinutes(15)).Alerts, Is.Empty);
        Assert.That(run.Apply(Result(monitor, 200, up: false), Start.AddMinutes(16)).Alerts, Is.Empty);
        var recovery = run.Apply(Result(monitor, 201, up: true), Start.AddMinutes(17));
        Assert.That(recovery.Notifications.Select(n => n.ChannelId), Is.EquivalentTo(new[] { ChannelA, ChannelB, Senior }),
            "recovery tells every level that was notified, and only those");
    }

    [Test]
    public void An_alert_rule_fires_once_at_its_count_and_again_only_after_recovery()
    {
        var monitor = Monitor(failureThreshold: 5, tags: ["prod"]);
        var rule = Rule(3, Senior);
        var run = new Run(monitor, Surroundings.None with { Rules = [rule] });

        var fired = new List<Alert>();
        for (var n = 0; n < 8; n++)
            fired.AddRange(run.Apply(Result(monitor, n, up: false)).Alerts.Where(a => a.Kind == AlertKind.Rule));
        Assert.That(fired, Has.Count.EqualTo(1));
        Assert.That(fired[0].Message.ChannelId, Is.EqualTo(Senior));
        Assert.That(fired[0].Incident, Is.Null, "three failures fire the rule before the monitor's own threshold of five");

        run.Apply(Result(monitor, 8, up: true));
        Assert.That(Enumerable.Range(9, 3).SelectMany(n => run.Apply(Result(monitor, n, up: false)).Alerts).Count(a => a.Kind == AlertKind.Rule),
            Is.EqualTo(1), "recovered, so the next streak of three fires again");
    }

    [Test]
    public void While_the_parent_is_down_the_child_is_silenced_and_released_when_the_parent_recovers()
    {
        var child = Monitor(failureThreshold: 1);
        var parentIncident = Guid.NewGuid();
        var parentDown = new ParentStatus(Guid.NewGuid(), "core router", true, parentIncident);
        var run = new Run(child, Surroundings.None with { Parent = parentDown });

        var down = run.Apply(Result(child, 0, up: false));
        Assert.That(down.Opened, Is.Not.Null);
        Assert.That(down.Alerts, Is.Empty);
        Assert.That(down.History.Single(h => h.Kind == HistoryKinds.Held).Detail, Does.Contain("core router"));
        Assert.That(run.Open!.SuppressedByIncidentId, Is.EqualTo(parentIncident));

        run.Around = Surroundings.None with { Parent = parentDown with { Failing = false } };
        var released = run.Apply(Result(child, 1, up: false));
        Assert.That(released.Alerts.Select(a => a.Kind), Is.EqualTo(new[] { AlertKind.Down, AlertKind.Down }),
            "still down on its own after the parent recovered: now it is news");
    }

    [Test]
    public void The_parent_alert_names_its_failing_children()
    {
        var parent = Monitor(failureThreshold: 1);
        var run = new Run(parent, Surroundings.None with { FailingChildren = ["billing", "checkout"] });

        var down = run.Apply(Result(parent, 0, up: false));

        Assert.That(down.Notifications.Select(n => n.AffectedMonitors), Is.All.EqualTo(new[] { "billing", "checkout" }));
        Assert.That(run.Open!.AffectedMonitors, Is.EqualTo(new[] { "billing", "checkout" }));
    }

    [Test]
    public void An_incident_opened_in_maintenance_is_marked_and_alerted_once_when_the_window_ends_still_down()
    {
        var monitor = Monitor(failureThreshold: 1, resendEverySeconds: 60);
        var windowEnd = Start.AddMinutes(30);
        var run = new Run(monitor, Surroundings.None with { MaintenanceUntil = windowEnd });

        var down = run.Apply(Result(monitor, 0, up: false), Start);
        Assert.That(down.Opened!.InMaintenance, Is.True);
        Assert.That(down.Alerts, Is.Empty);
        Assert.That(run.State.NextDueAt, Is.EqualTo(windowEnd));
        Assert.That(run.Apply(Result(monitor, 1, up: false), Start.AddMinutes(10)).Alerts, Is.Empty, "no reminders in the window");

        run.Around = Surroundings.None;
        var end = run.Tick(windowEnd);
        Assert.That(end.Alerts.Select(a => (a.Kind, a.Message.ChannelId)),
            Is.EquivalentTo(new[] { (AlertKind.Down, ChannelA), (AlertKind.Down, ChannelB) }));
        Assert.That(run.Tick(windowEnd.AddSeconds(1)).Alerts, Is.Empty, "once");
    }

    [Test]
    public void A_monitor_that_recovers_inside_the_window_is_never_announced()
    {
        var monitor = Monitor(failureThreshold: 1);
        var run = new Run(monitor, Surroundings.None with { MaintenanceUntil = Start.AddHours(1) });
        run.Apply(Result(monitor, 0, up: false));
        var up = run.Apply(Result(monitor, 1, up: true));

        Assert.That(up.Resolved, Is.Not.Null);
        Assert.That(up.Alerts, Is.Empty);
        run.Around = Surroundings.None;
        Assert.That(run.Tick(Start.AddHours(2)).Alerts, Is.Empty);
    }
}
