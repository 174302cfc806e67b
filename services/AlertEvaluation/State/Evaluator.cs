using Sentinel.AlertEvaluation.Incidents;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.State;

/// What one result changes: the state (mutated in place), an incident opened or resolved, and the messages to send.
public sealed record Evaluation(Incident? Opened, Incident? Resolved, IReadOnlyList<object> Events, IReadOnlyList<SendNotification> Notifications)
{
    public static readonly Evaluation Nothing = new(null, null, [], []);
}

/// The threshold state machine: `failureThreshold` consecutive failures turn a monitor down and open an incident,
/// `recoveryThreshold` consecutive successes turn it up and resolve it. Pure: the consumer loads, calls, saves.
public static class Evaluator
{
    public static Evaluation Apply(
        MonitorState state, MonitorCopy monitor, Incident? openIncident, MonitorChecked result, DateTimeOffset now)
    {
        if (monitor.Deleted || monitor.Paused)
            return Evaluation.Nothing;
        if (state.LastDueAt is { } last && result.DueAt <= last)
            return Evaluation.Nothing; // redelivered or older than what we know: it must not flip the state

        state.LastDueAt = result.DueAt;
        state.LastCheckId = result.CheckId;

        if (result.Up)
        {
            state.ConsecutiveSuccesses++;
            state.ConsecutiveFailures = 0;
            state.FirstFailureAt = null;
            if (state.Status == MonitorStatuses.Down && state.ConsecutiveSuccesses >= monitor.RecoveryThreshold)
                return Recover(state, monitor, openIncident, result, now);
            if (state.Status == MonitorStatuses.New)
                return Change(state, MonitorStatuses.Up, null, result, now);
            return Evaluation.Nothing;
        }

        state.ConsecutiveFailures++;
        state.ConsecutiveSuccesses = 0;
        state.FirstFailureAt ??= result.CheckedAt;
        state.LastError = result.Error;
        if (state.Status != MonitorStatuses.Down && state.ConsecutiveFailures >= monitor.FailureThreshold)
            return GoDown(state, monitor, result, now);
        return Evaluation.Nothing;
    }

    static Evaluation GoDown(MonitorState state, MonitorCopy monitor, MonitorChecked result, DateTimeOffset now)
    {
        var firstFailure = state.FirstFailureAt ?? result.CheckedAt;
        var incident = Incident.Open(monitor, result.Error, firstFailure, now);
        var changed = Change(state, MonitorStatuses.Down, incident.Id, result, now);
        state.OpenIncidentId = incident.Id;
        var notifications = monitor.ChannelIds
            .Select(channelId => Notification(incident, monitor, channelId, NotificationEvents.Down, result.Error, null, now))
            .ToList();
        return new Evaluation(
            incident,
            null,
            [new IncidentOpened(incident.Id, monitor.MonitorId, monitor.TenantId, monitor.Name, result.Error, firstFailure, now), .. changed.Events],
            notifications);
    }

    static Evaluation Recover(
        MonitorState state, MonitorCopy monitor, Incident? incident, MonitorChecked result, DateTimeOffset now)
    {
        var changed = Change(state, MonitorStatuses.Up, incident?.Id, result, now);
        state.OpenIncidentId = null;
        if (incident is null)
            return changed;

        incident.Resolve(now);
        var notifications = monitor.AlertOnRecovery
            ? monitor.ChannelIds
                .Select(channelId => Notification(incident, monitor, channelId, NotificationEvents.Up, incident.Error, now, now))
                .ToList()
            : [];
        return new Evaluation(
            null,
            incident,
            [new IncidentResolved(incident.Id, monitor.MonitorId, monitor.TenantId, incident.OpenedAt, now), .. changed.Events],
            notifications);
    }

    static Evaluation Change(MonitorState state, string status, Guid? incidentId, MonitorChecked result, DateTimeOffset now)
    {
        var previous = state.Status;
        state.Status = status;
        state.StatusChangedAt = now;
        return new Evaluation(null, null,
            [new MonitorStatusChanged(state.MonitorId, state.TenantId, status, previous, incidentId, result.Error, now)], []);
    }

    static SendNotification Notification(
        Incident incident, MonitorCopy monitor, Guid channelId, string @event, string? error, DateTimeOffset? resolvedAt, DateTimeOffset now) =>
        new(
            DeterministicGuid.ForNotification(incident.Id, @event, channelId),
            monitor.TenantId,
            channelId,
            incident.Id,
            monitor.MonitorId,
            monitor.Name,
            @event,
            @event == NotificationEvents.Down ? MonitorStatuses.Down : MonitorStatuses.Up,
            error,
            monitor.CustomMessage,
            incident.FirstFailureAt,
            resolvedAt,
            now);
}
