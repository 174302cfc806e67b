using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.Heartbeats;

namespace Sentinel.Gateway.Monitors;

public static class ListMonitors
{
    public static void MapListMonitors(this RouteGroupBuilder api) => api.MapGet("/monitors", Handle);

    static async Task<Results<Ok<Page<MonitorResponse>>, ValidationProblem>> Handle(
        CatalogDb db, TenantContext tenant, HttpRequest http, int? limit, string? cursor, string? tag, CancellationToken ct)
    {
        if (Paging.Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return Problems.Validation(errors);

        var query = db.Monitors.AsNoTracking().Where(m => m.TenantId == tenant.Id);
        if (tag is not null)
            query = query.Where(m => m.Tags.Contains(tag));
        if (after is { } last)
            query = query.Where(m => m.Id.CompareTo(last) > 0);
        var rows = await query.OrderBy(m => m.Id).Take(take + 1).ToListAsync(ct);
        var links = rows.Any(m => m.Type == MonitorTypes.Heartbeat) ? await PingLinks.ForAsync(http, db, tenant.Id, ct) : null;
        return TypedResults.Ok(Paging.ToPage(rows, take, m => m.Id, m => MonitorResponse.From(m, links)));
    }
}
