using Microsoft.EntityFrameworkCore;

namespace Sentinel.Gateway.Monitors;

/// What a monitor names must exist in its own tenant (another tenant's object reads as missing), and parents must
/// not form a cycle. These need the database, so they are checked after MonitorSpec.Parse.
public static class MonitorReferences
{
    public static async Task<Dictionary<string, string[]>> ValidateAsync(
        CatalogDb db, Guid tenantId, Guid monitorId, MonitorSpec spec, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (spec.ChannelIds.Count > 0)
        {
            var ids = spec.ChannelIds.ToList();
            var found = await db.Channels.Where(c => c.TenantId == tenantId && ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
            var missing = ids.Except(found).ToList();
            if (missing.Count > 0)
                errors["channelIds"] = missing.Select(id => $"Channel {id} does not exist.").ToArray();
        }

        if (spec.EscalationPolicyId is { } policyId
            && !await db.EscalationPolicies.AnyAsync(p => p.Id == policyId && p.TenantId == tenantId, ct))
            errors["escalationPolicyId"] = [$"Escalation policy {policyId} does not exist."];

        if (spec.ParentMonitorId is { } parentId && await ParentProblemAsync(db, tenantId, monitorId, parentId, ct) is { } problem)
            errors["parentMonitorId"] = [problem];
        return errors;
    }

    /// Walks up from the proposed parent: reaching this monitor again would make alerts wait on each other forever.
    static async Task<string?> ParentProblemAsync(CatalogDb db, Guid tenantId, Guid monitorId, Guid parentId, CancellationToken ct)
    {
        if (parentId == monitorId)
            return "A monitor cannot be its own parent.";
        var seen = new HashSet<Guid> { monitorId };
        Guid? next = parentId;
        while (next is { } id)
        {
            if (!seen.Add(id))
                return $"Parent monitor {parentId} would make a cycle of dependencies.";
            var row = await db.Monitors.Where(m => m.Id == id && m.TenantId == tenantId)
                .Select(m => new { m.ParentMonitorId }).SingleOrDefaultAsync(ct);
            if (row is null)
                return id == parentId ? $"Parent monitor {parentId} does not exist." : null;
            next = row.ParentMonitorId;
        }
        return null;
    }
}
