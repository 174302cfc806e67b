using Sentinel.AlertEvaluation.History;
using Sentinel.AlertEvaluation.Incidents;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Monitors;

/// A resume through the API (unpause, or letting a manual-resume heartbeat go) restarts the monitor from "new", as
/// the Scheduler does: the streaks, flapping and rule marks are forgotten, and an open incident is over (the person
/// who resumed it knows; nobody is paged for its end). The last due time is kept, so an older result still cannot
/// change the fresh state.
public static class MonitorResumption
{
    public const string Reason = "resumed";

    public static Evaluation Apply(MonitorState state, MonitorCopy monitor, Incident? incident, DateTimeOffset now)
    {
        var e = new Evaluation();
        var previous = state.Status;
        state.ConsecutiveFailures = 0;
        state.ConsecutiveSuccesses = 0;
        state.FirstFailureAt = null;
        state.LastError = null;
        state.NextDueAt = null;
        state.Flapping = false;
        state.ChangeTimes.Clear();
        state.FiredRuleIds.Clear();
        var incidentId = state.OpenIncidentId;
        state.OpenIncidentId = null;

        if (incident is { IsOpen: true })
        {
            incident.Resolve(now);
            e.Resolved = incident;
            e.Events.Add(new IncidentResolved(incident.Id, monitor.MonitorId, monitor.TenantId, incident.OpenedAt, now));
            e.History.Add(AlertHistoryEntry.For(monitor.TenantId, monitor.MonitorId, incident.Id, HistoryKinds.Resolved,
                "resumed through the API", now));
        }
        if (previous != MonitorStatuses.New)
        {
            state.Status = MonitorStatuses.New;
            state.StatusChangedAt = now;
            e.Events.Add(new MonitorStatusChanged(monitor.MonitorId, monitor.TenantId, MonitorStatuses.New, previous, incidentId, Reason, now));
        }
        return e;
    }
}
