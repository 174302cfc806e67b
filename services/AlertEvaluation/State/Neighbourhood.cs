using Microsoft.EntityFrameworkCore;
using Sentinel.AlertEvaluation.Escalation;
using Sentinel.AlertEvaluation.Maintenance;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.Rules;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.State;

/// What lies around a set of monitors (policies, rules, maintenance windows, parents, failing children), loaded in a
/// handful of queries per batch so the evaluator itself stays pure.
public sealed class Neighbourhood
{
    readonly Dictionary<Guid, EscalationPolicyCopy> policies;
    readonly List<AlertRuleCopy> rules;
    readonly List<MaintenanceWindowCopy> windows;
    readonly Dictionary<Guid, MonitorCopy> parents;
    readonly Dictionary<Guid, MonitorState> parentStates;
    readonly ILookup<Guid, string> failingChildren;

    Neighbourhood(
        Dictionary<Guid, EscalationPolicyCopy> policies, List<AlertRuleCopy> rules, List<MaintenanceWindowCopy> windows,
        Dictionary<Guid, MonitorCopy> parents, Dictionary<Guid, MonitorState> parentStates, ILookup<Guid, string> failingChildren)
    {
        this.policies = policies;
        this.rules = rules;
        this.windows = windows;
        this.parents = parents;
        this.parentStates = parentStates;
        this.failingChildren = failingChildren;
    }

    public static async Task<Neighbourhood> LoadAsync(AlertingDb db, IReadOnlyCollection<MonitorCopy> monitors, CancellationToken ct)
    {
        var tenants = monitors.Select(m => m.TenantId).Distinct().ToArray();
        var ids = monitors.Select(m => m.MonitorId).ToArray();
        var policyIds = monitors.Where(m => m.EscalationPolicyId is not null).Select(m => m.EscalationPolicyId!.Value).Distinct().ToArray();
        var parentIds = monitors.Where(m => m.ParentMonitorId is not null).Select(m => m.ParentMonitorId!.Value).Distinct().ToArray();

        var policies = policyIds.Length == 0
            ? []
            : await db.EscalationPolicies.AsNoTracking().Where(p => policyIds.Contains(p.PolicyId) && !p.Deleted).ToDictionaryAsync(p => p.PolicyId, ct);
        var rules = await db.AlertRules.AsNoTracking().Where(r => tenants.Contains(r.TenantId) && !r.Deleted).ToListAsync(ct);
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => tenants.Contains(w.TenantId) && !w.Deleted).ToListAsync(ct);
        var parents = parentIds.Length == 0
            ? []
            : await db.Monitors.AsNoTracking().Where(m => parentIds.Contains(m.MonitorId)).ToDictionaryAsync(m => m.MonitorId, ct);
        var parentStates = parentIds.Length == 0
            ? []
            : await db.States.AsNoTracking().Where(s => parentIds.Contains(s.MonitorId)).ToDictionaryAsync(s => s.MonitorId, ct);
        var children = await (
                from m in db.Monitors
                join s in db.States on m.MonitorId equals s.MonitorId
                where m.ParentMonitorId != null && ids.Contains(m.ParentMonitorId.Value) && !m.Deleted && !m.Paused
                      && (s.Status == MonitorStatuses.Down || s.ConsecutiveFailures > 0)
                select new { Parent = m.ParentMonitorId!.Value, m.Name })
            .ToListAsync(ct);
        return new Neighbourhood(policies, rules, windows, parents, parentStates, children.ToLookup(c => c.Parent, c => c.Name));
    }

    /// `locked` holds the states this transaction is changing: a parent among them is judged by its newest state.
    public Surroundings For(MonitorCopy monitor, IReadOnlyDictionary<Guid, MonitorState> locked, DateTimeOffset now)
    {
        var policy = monitor.EscalationPolicyId is { } policyId ? policies.GetValueOrDefault(policyId) : null;
        var covering = rules.Where(r => r.TenantId == monitor.TenantId && monitor.IsCoveredBy(r.MonitorIds, r.Tags)).ToList();
        var maintenanceUntil = MaintenanceCalendar.ActiveUntil(
            windows.Where(w => w.TenantId == monitor.TenantId && monitor.IsCoveredBy(w.MonitorIds, w.Tags)), now);
        ParentStatus? parent = null;
        if (monitor.ParentMonitorId is { } parentId && parents.TryGetValue(parentId, out var parentMonitor))
        {
            var state = locked.GetValueOrDefault(parentId) ?? parentStates.GetValueOrDefault(parentId);
            var failing = state is not null && !parentMonitor.Deleted && !parentMonitor.Paused
                && (state.Status == MonitorStatuses.Down || state.ConsecutiveFailures > 0);
            parent = new ParentStatus(parentId, parentMonitor.Name, failing, state?.OpenIncidentId);
        }
        return new Surroundings(policy, covering, maintenanceUntil, parent, failingChildren[monitor.MonitorId].Order().ToList());
    }
}
