using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Channels;

public static class ListChannels
{
    public static void MapListChannels(this RouteGroupBuilder api) => api.MapGet("/channels", Handle);

    static async Task<Results<Ok<Page<ChannelResponse>>, ValidationProblem>> Handle(
        CatalogDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return Problems.Validation(errors);

        var query = db.Channels.AsNoTracking().Where(c => c.TenantId == tenant.Id);
        if (after is { } last)
            query = query.Where(c => c.Id.CompareTo(last) > 0);
        var rows = await query.OrderBy(c => c.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(rows, take, c => c.Id, ChannelResponse.From));
    }
}
