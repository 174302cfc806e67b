using Sentinel.AlertEvaluation.Escalation;
using Sentinel.AlertEvaluation.History;
using Sentinel.AlertEvaluation.Incidents;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.Rules;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.State;

/// What an alert is, for the rate limits the dispatcher applies to it.
public enum AlertKind { Down, Rule, Escalation, Reminder, Recovery, Flapping }

/// A notification the evaluator decided on; the dispatcher still applies rate limits before it is sent.
public sealed record Alert(SendNotification Message, AlertKind Kind, Incident? Incident, AlertRuleCopy? Rule = null);

/// Why alerts are held back.
public static class SilenceReasons
{
    public const string Maintenance = "maintenance";
    public const string ParentDown = "parent-down";
    public const string Flapping = "flapping";
}

public sealed record ParentStatus(Guid MonitorId, string Name, bool Failing, Guid? OpenIncidentId);

/// Everything around one monitor that alerting depends on, loaded by the caller: its escalation policy, the rules
/// covering it, whether maintenance covers it now (and until when), its parent's health and its failing children.
public sealed record Surroundings(
    EscalationPolicyCopy? Policy,
    IReadOnlyList<AlertRuleCopy> Rules,
    DateTimeOffset? MaintenanceUntil,
    ParentStatus? Parent,
    IReadOnlyList<string> FailingChildren)
{
    public static readonly Surroundings None = new(null, [], null, null, []);
}

/// What one result (or one tick of the clock) changes: the state and incident (mutated in place), the incident
/// opened or resolved, the events to publish, the alerts to send and the history to record.
public sealed class Evaluation
{
    public Incident? Opened { get; set; }
    public Incident? Resolved { get; set; }
    public List<object> Events { get; } = [];
    public List<Alert> Alerts { get; } = [];
    public List<AlertHistoryEntry> History { get; } = [];

    public IEnumerable<SendNotification> Notifications => Alerts.Select(a => a.Message);
}

/// The alerting state machine. `failureThreshold` consecutive failures turn a monitor down and open an incident,
/// `recoveryThreshold` consecutive successes resolve it. Around that: alert rules, escalation levels, reminders,
/// flap detection, and the silences (maintenance, a failing parent, flapping) that hold alerts back. Pure: the caller
/// loads, calls, and saves; every decision is a function of the inputs and `now`.
public static class Evaluator
{
    public static Evaluation Apply(
        MonitorState state, MonitorCopy monitor, Incident? incident, Surroundings around, MonitorChecked result, DateTimeOffset now)
    {
        var e = new Evaluation();
        if (monitor.Deleted || monitor.Paused)
            return e;
        if (state.LastDueAt is { } last && result.DueAt <= last)
            return e; // redelivered or older than what we know: it must not flip the state
        if (result.Unknown)
            return e; // the Checker could not judge (its canaries fail): neither up nor down, never an alert

        state.LastDueAt = result.DueAt;
        state.LastCheckId = result.CheckId;
        PruneFlapWindow(state, monitor, incident, now, e);

        if (result.Up)
        {
            state.ConsecutiveSuccesses++;
            state.ConsecutiveFailures = 0;
            state.FirstFailureAt = null;
            if (state.Status == MonitorStatuses.Down && state.ConsecutiveSuccesses >= monitor.RecoveryThreshold)
            {
                Recover(state, monitor, incident, around, result, now, e);
                incident = null;
            }
            else if (state.Status == MonitorStatuses.New)
                Change(state, monitor, MonitorStatuses.Up, null, result, now, e);
            if (state.Status == MonitorStatuses.Up)
                state.FiredRuleIds.Clear(); // recovered: rules may fire again on the next streak
        }
        else
        {
            state.ConsecutiveFailures++;
            state.ConsecutiveSuccesses = 0;
            state.FirstFailureAt ??= result.CheckedAt;
            state.LastError = result.Error;
            if (state.Status != MonitorStatuses.Down && state.ConsecutiveFailures >= monitor.FailureThreshold)
                incident = GoDown(state, monitor, around, result, now, e);
            FireRules(state, monitor, incident, around, result, now, e);
        }

        Tick(state, monitor, incident, around, now, e);
        return WithTags(e, monitor);
    }

    /// The time-driven part, run after every result and by the alert clock when NextDueAt has come: release a held
    /// alert once no silence applies, escalate, remind, and compute when to look again.
    public static Evaluation Tick(MonitorState state, MonitorCopy monitor, Incident? incident, Surroundings around, DateTimeOffset now)
    {
        var e = new Evaluation();
        Tick(state, monitor, incident, around, now, e);
        return WithTags(e, monitor);
    }

    /// Every notification carries the monitor's tags, for the `{{tags}}` placeholder of message templates.
    static Evaluation WithTags(Evaluation e, MonitorCopy monitor)
    {
        for (var i = 0; i < e.Alerts.Count; i++)
            e.Alerts[i] = e.Alerts[i] with { Message = e.Alerts[i].Message with { Tags = monitor.Tags } };
        return e;
    }

    static void Tick(MonitorState state, MonitorCopy monitor, Incident? incident, Surroundings around, DateTimeOffset now, Evaluation e)
    {
        state.NextDueAt = null;
        if (incident is not { IsOpen: true } || monitor.Deleted || monitor.Paused)
            return;

        if (Silence(state, around) is { } reason)
        {
            if (incident.AlertedAt is null && incident.HeldReason != reason)
            {
                incident.HeldReason = reason;
                if (reason == SilenceReasons.ParentDown)
                    incident.SuppressedByIncidentId = around.Parent!.OpenIncidentId;
                e.History.Add(AlertHistoryEntry.For(monitor.TenantId, monitor.MonitorId, incident.Id, HistoryKinds.Held,
                    HeldDetail(reason, around), now));
            }
            // Reminders and escalation wait too; the end of a maintenance window is a moment to look again.
            state.NextDueAt = reason == SilenceReasons.Maintenance ? around.MaintenanceUntil : null;
            return;
        }

        if (incident.AlertedAt is null)
        {
            var released = incident.HeldReason;
            incident.AlertedAt = now;
            incident.HeldReason = null;
            incident.AffectedMonitors = [.. around.FailingChildren];
            incident.NextReminderAt = monitor.ResendEverySeconds > 0 ? now.AddSeconds(monitor.ResendEverySeconds) : null;
            var detail = released is null ? null : $"held back ({released}) until {now:O}";
            foreach (var channelId in monitor.ChannelIds)
                e.Alerts.Add(new Alert(
                    Notification(incident, monitor, channelId, NotificationEvents.Down, DeterministicGuid.ForNotification(incident.Id, NotificationEvents.Down, channelId), now) with
                    {
                        AffectedMonitors = around.FailingChildren.Count > 0 ? [.. around.FailingChildren] : null,
                    },
                    AlertKind.Down, incident));
            if (detail is not null)
                e.History.Add(AlertHistoryEntry.For(monitor.TenantId, monitor.MonitorId, incident.Id, HistoryKinds.Held, detail, now));
        }

        if (incident.AcknowledgedAt is not null)
            return; // someone is on it: no further levels, no reminders

        DateTimeOffset? next = null;
        if (around.Policy is { Deleted: false } policy)
        {
            var levels = policy.Levels;
            for (var i = 0; i < levels.Count; i++)
            {
                var number = i + 1;
                if (incident.NotifiedLevels.Contains(number))
                    continue;
                var level = levels[i];
                var dueAt = level.AfterMinutes is { } minutes ? incident.AlertedAt!.Value.AddMinutes(minutes) : (DateTimeOffset?)null;
                var due = (level.AfterConsecutiveFailures is { } n && state.ConsecutiveFailures >= n) || (dueAt is { } d && d <= now);
                if (!due)
                {
                    if (dueAt is { } later && (next is null || later < next))
                        next = later;
                    continue;
                }
                incident.NotifiedLevels.Add(number);
                e.Events.Add(new IncidentEscalated(incident.Id, monitor.MonitorId, monitor.TenantId, number, [.. level.ChannelIds], now));
                foreach (var channelId in level.ChannelIds)
                    e.Alerts.Add(new Alert(
                        Notification(incident, monitor, channelId, NotificationEvents.Escalation,
                            DeterministicGuid.ForNotification(incident.Id, $"{NotificationEvents.Escalation}-{number}", channelId), now)
                        with { EscalationLevel = number },
                        AlertKind.Escalation, incident));
            }
        }

        if (monitor.ResendEverySeconds <= 0)
            incident.NextReminderAt = null;
        else if (incident.NextReminderAt is not { } reminderAt)
            incident.NextReminderAt = now.AddSeconds(monitor.ResendEverySeconds);
        else if (reminderAt <= now)
        {
            incident.RemindersSent++;
            foreach (var channelId in incident.NotifiedChannelIds)
                e.Alerts.Add(new Alert(
                    Notification(incident, monitor, channelId, NotificationEvents.Reminder,
                        DeterministicGuid.ForNotification(incident.Id, $"{NotificationEvents.Reminder}-{incident.RemindersSent}", channelId), now),
                    AlertKind.Reminder, incident));
            // From now, not from the missed due time: a clock that was away sends one reminder, not a burst.
            incident.NextReminderAt = now.AddSeconds(monitor.ResendEverySeconds);
        }

        if (incident.NextReminderAt is { } reminder && (next is null || reminder < next))
            next = reminder;
        state.NextDueAt = next;
    }

    static string? Silence(MonitorState state, Surroundings around) =>
        around.MaintenanceUntil is not null ? SilenceReasons.Maintenance
        : state.Flapping ? SilenceReasons.Flapping
        : around.Parent is { Failing: true } ? SilenceReasons.ParentDown
        : null;

    static string HeldDetail(string reason, Surroundings around) => reason switch
    {
        SilenceReasons.Maintenance => $"maintenance until {around.MaintenanceUntil:O}",
        SilenceReasons.ParentDown => $"parent monitor {around.Parent!.Name} ({around.Parent.MonitorId}) is down",
        _ => "monitor is flapping",
    };

    static Incident GoDown(MonitorState state, MonitorCopy monitor, Surroundings around, MonitorChecked result, DateTimeOffset now, Evaluation e)
    {
        var firstFailure = state.FirstFailureAt ?? result.CheckedAt;
        var incident = Incident.Open(monitor, result.Error, firstFailure, now);
        incident.InMaintenance = around.MaintenanceUntil is not null;
        e.Opened = incident;
        e.Events.Add(new IncidentOpened(incident.Id, monitor.MonitorId, monitor.TenantId, monitor.Name, result.Error, firstFailure, now));
        e.History.Add(AlertHistoryEntry.For(monitor.TenantId, monitor.MonitorId, incident.Id, HistoryKinds.Opened, result.Error, now));
        Change(state, monitor, MonitorStatuses.Down, incident.Id, result, now, e);
        state.OpenIncidentId = incident.Id;
        return incident;
    }

    static void Recover(
        MonitorState state, MonitorCopy monitor, Incident? incident, Surroundings around, MonitorChecked result, DateTimeOffset now, Evaluation e)
    {
        Change(state, monitor, MonitorStatuses.Up, incident?.Id, result, now, e);
        state.OpenIncidentId = null;
        if (incident is null)
            return;

        incident.Resolve(now);
        e.Resolved = incident;
        e.Events.Add(new IncidentResolved(incident.Id, monitor.MonitorId, monitor.TenantId, incident.OpenedAt, now));
        e.History.Add(AlertHistoryEntry.For(monitor.TenantId, monitor.MonitorId, incident.Id, HistoryKinds.Resolved,
            $"down for {(long)(now - incident.FirstFailureAt).TotalSeconds} s", now));
        if (!monitor.AlertOnRecovery)
            return;

        // Everyone told it was down hears it is up; nobody else does. A parent going down does not keep a child's
        // recovery from those who heard of its failure; maintenance and flapping do.
        var silence = around.MaintenanceUntil is not null ? SilenceReasons.Maintenance : state.Flapping ? SilenceReasons.Flapping : null;
        foreach (var channelId in incident.NotifiedChannelIds)
        {
            var message = Notification(incident, monitor, channelId, NotificationEvents.Up,
                DeterministicGuid.ForNotification(incident.Id, NotificationEvents.Up, channelId), now) with { ResolvedAt = now };
            if (silence is null)
                e.Alerts.Add(new Alert(message, AlertKind.Recovery, incident));
            else
                e.History.Add(AlertHistoryEntry.ForNotification(message, incident.Id, HistoryKinds.Suppressed, null, silence, now));
        }
    }

    static void FireRules(
        MonitorState state, MonitorCopy monitor, Incident? incident, Surroundings around, MonitorChecked result, DateTimeOffset now, Evaluation e)
    {
        foreach (var rule in around.Rules)
        {
            if (rule.Deleted || state.ConsecutiveFailures < rule.ConsecutiveFailures || state.FiredRuleIds.Contains(rule.RuleId))
                continue;
            state.FiredRuleIds.Add(rule.RuleId);
            // A rule may fire before the monitor's own threshold opens an incident: the failure streak names it then.
            var subject = incident?.Id ?? DeterministicGuid.Create("streak", monitor.MonitorId, state.FirstFailureAt ?? result.CheckedAt);
            var silence = Silence(state, around);
            foreach (var channelId in rule.ChannelIds)
            {
                var message = new SendNotification(
                    DeterministicGuid.ForNotification(subject, $"rule-{rule.RuleId}", channelId), monitor.TenantId, channelId, subject,
                    monitor.MonitorId, monitor.Name, NotificationEvents.Down, MonitorStatuses.Down, result.Error,
                    monitor.CustomMessage ?? $"Alert rule '{rule.Name}': {state.ConsecutiveFailures} consecutive failures",
                    state.FirstFailureAt ?? result.CheckedAt, null, now);
                if (silence is null)
                    e.Alerts.Add(new Alert(message, AlertKind.Rule, incident, rule));
                else
                    e.History.Add(AlertHistoryEntry.ForNotification(message, incident?.Id, HistoryKinds.Suppressed, rule.RuleId, silence, now));
            }
        }
    }

    static void Change(MonitorState state, MonitorCopy monitor, string status, Guid? incidentId, MonitorChecked result, DateTimeOffset now, Evaluation e)
    {
        var previous = state.Status;
        state.Status = status;
        state.StatusChangedAt = now;
        e.Events.Add(new MonitorStatusChanged(state.MonitorId, state.TenantId, status, previous, incidentId, result.Error, now));
        if (previous == MonitorStatuses.New || monitor.FlapThreshold <= 0)
            return; // the first status a monitor gets is not a change of mind

        state.ChangeTimes.Add(now);
        if (state.Flapping || state.ChangeTimes.Count <= monitor.FlapThreshold)
            return;
        state.Flapping = true;
        var detail = $"{state.ChangeTimes.Count} status changes within {monitor.FlapWindowSeconds} s";
        e.History.Add(AlertHistoryEntry.For(monitor.TenantId, monitor.MonitorId, incidentId, HistoryKinds.FlappingStarted, detail, now));
        // One notification that it flaps, instead of one per change; the result's id makes it the same on a retry.
        var subject = incidentId ?? DeterministicGuid.Create("flapping", monitor.MonitorId, result.CheckId);
        foreach (var channelId in monitor.ChannelIds)
            e.Alerts.Add(new Alert(
                new SendNotification(
                    DeterministicGuid.ForNotification(subject, $"flapping-{result.CheckId}", channelId), monitor.TenantId, channelId,
                    subject, monitor.MonitorId, monitor.Name, NotificationEvents.Down, MonitorStatuses.Down,
                    $"Flapping: {detail}; further changes are not notified until it is stable", monitor.CustomMessage,
                    state.FirstFailureAt ?? result.CheckedAt, null, now),
                AlertKind.Flapping, null));
    }

    /// Forgets changes older than the flap window; a flapping monitor that has not changed for a whole window is stable.
    static void PruneFlapWindow(MonitorState state, MonitorCopy monitor, Incident? incident, DateTimeOffset now, Evaluation e)
    {
        var horizon = now.AddSeconds(-monitor.FlapWindowSeconds);
        state.ChangeTimes.RemoveAll(t => t <= horizon);
        if (!state.Flapping || state.ChangeTimes.Count > 0)
            return;
        state.Flapping = false;
        e.History.Add(AlertHistoryEntry.For(monitor.TenantId, monitor.MonitorId, incident?.Id, HistoryKinds.FlappingEnded,
            $"no status change for {monitor.FlapWindowSeconds} s", now));
    }

    static SendNotification Notification(Incident incident, MonitorCopy monitor, Guid channelId, string @event, Guid id, DateTimeOffset now) =>
        new(
            id,
            monitor.TenantId,
            channelId,
            incident.Id,
            monitor.MonitorId,
            monitor.Name,
            @event,
            @event == NotificationEvents.Up ? MonitorStatuses.Up : MonitorStatuses.Down,
            incident.Error,
            monitor.CustomMessage,
            incident.FirstFailureAt,
            null,
            now);
}
