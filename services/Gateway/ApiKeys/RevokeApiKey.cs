using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.ApiKeys;

/// DELETE revokes rather than removes, so the list still shows which keys existed and when they stopped working.
public static class RevokeApiKey
{
    public static void MapRevokeApiKey(this RouteGroupBuilder api) => api.MapDelete("/api-keys/{id:guid}", Handle);

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid id, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.TenantId == tenant.Id, ct);
        if (key is null)
            return Problems.NotFound("API key", id);
        key.RevokedAt ??= clock.GetUtcNowForStorage();
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
