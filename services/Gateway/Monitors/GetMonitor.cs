using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Monitors;

public static class GetMonitor
{
    public static void MapGetMonitor(this RouteGroupBuilder api) => api.MapGet("/monitors/{id:guid}", Handle);

    static async Task<Results<Ok<MonitorResponse>, ProblemHttpResult>> Handle(
        Guid id, CatalogDb db, TenantContext tenant, CancellationToken ct)
    {
        var monitor = await db.Monitors.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id && m.TenantId == tenant.Id, ct);
        return monitor is null ? Problems.NotFound("monitor", id) : TypedResults.Ok(MonitorResponse.From(monitor));
    }
}
