using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.ApiKeys;

public static class ListApiKeys
{
    public static void MapListApiKeys(this RouteGroupBuilder api) => api.MapGet("/api-keys", Handle);

    static async Task<Results<Ok<Page<ApiKeyResponse>>, ValidationProblem>> Handle(
        CatalogDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return Problems.Validation(errors);

        var query = db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenant.Id);
        if (after is { } last)
            query = query.Where(k => k.Id.CompareTo(last) > 0);
        var rows = await query.OrderBy(k => k.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(rows, take, k => k.Id, ApiKeyResponse.From));
    }
}
