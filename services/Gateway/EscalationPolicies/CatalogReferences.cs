using Microsoft.EntityFrameworkCore;

namespace Sentinel.Gateway.EscalationPolicies;

/// Alerting configuration may only name channels and monitors of its own tenant; another tenant's reads as missing.
public static class CatalogReferences
{
    public static async Task MissingChannelsAsync(
        CatalogDb db, Guid tenantId, IEnumerable<(string Field, IReadOnlyList<Guid> Ids)> references, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var wanted = references.ToList();
        var all = wanted.SelectMany(r => r.Ids).Distinct().ToList();
        if (all.Count == 0)
            return;
        var found = await db.Channels.Where(c => c.TenantId == tenantId && all.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        foreach (var (field, ids) in wanted)
            if (ids.Except(found).ToList() is { Count: > 0 } missing)
                errors[field] = missing.Select(id => $"Channel {id} does not exist.").ToArray();
    }

    public static async Task MissingMonitorsAsync(
        CatalogDb db, Guid tenantId, IReadOnlyList<Guid> ids, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (ids.Count == 0)
            return;
        var list = ids.ToList();
        var found = await db.Monitors.Where(m => m.TenantId == tenantId && list.Contains(m.Id)).Select(m => m.Id).ToListAsync(ct);
        if (list.Except(found).ToList() is { Count: > 0 } missing)
            errors["monitorIds"] = missing.Select(id => $"Monitor {id} does not exist.").ToArray();
    }
}
