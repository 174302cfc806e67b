using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;

namespace Sentinel.Gateway.Heartbeats;

public static class HeartbeatSlugs
{
    /// A slug names one monitor per tenant (the slug URL must be unambiguous): taken by another monitor is a 409.
    public static async Task<ProblemHttpResult?> ConflictAsync(CatalogDb db, Guid tenantId, Guid monitorId, string? slug, CancellationToken ct) =>
        slug is not null && await db.Monitors.AnyAsync(m => m.TenantId == tenantId && m.Slug == slug && m.Id != monitorId, ct)
            ? Problems.Conflict($"Slug '{slug}' is already used by another monitor of this tenant.")
            : null;
}
