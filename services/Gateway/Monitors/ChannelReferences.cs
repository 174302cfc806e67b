using Microsoft.EntityFrameworkCore;

namespace Sentinel.Gateway.Monitors;

public static class ChannelReferences
{
    /// A monitor may only name channels of its own tenant; another tenant's channel reads as missing.
    public static async Task<Dictionary<string, string[]>> ValidateAsync(
        CatalogDb db, Guid tenantId, IReadOnlyList<Guid> channelIds, CancellationToken ct)
    {
        if (channelIds.Count == 0)
            return [];
        var ids = channelIds.ToList();
        var found = await db.Channels.Where(c => c.TenantId == tenantId && ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        var missing = ids.Except(found).ToList();
        return missing.Count == 0
            ? []
            : new Dictionary<string, string[]> { ["channelIds"] = missing.Select(id => $"Channel {id} does not exist.").ToArray() };
    }
}
