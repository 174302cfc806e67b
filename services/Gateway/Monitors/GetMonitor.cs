using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.Heartbeats;

namespace Sentinel.Gateway.Monitors;

public static class GetMonitor
{
    public static void MapGetMonitor(this RouteGroupBuilder api) => api.MapGet("/monitors/{id:guid}", Handle);

    static async Task<Results<Ok<MonitorResponse>, ProblemHttpResult>> Handle(
        Guid id, CatalogDb db, TenantContext tenant, HttpRequest http, HeartbeatStates states, CancellationToken ct)
    {
        var monitor = await db.Monitors.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id && m.TenantId == tenant.Id, ct);
        if (monitor is null)
            return Problems.NotFound("monitor", id);
        if (monitor.Type != MonitorTypes.Heartbeat)
            return TypedResults.Ok(MonitorResponse.From(monitor));
        // A heartbeat's live state comes from the Scheduler; without it (down, slow) the rest still answers.
        var state = await states.TryGetAsync(tenant.Id, id, ct);
        return TypedResults.Ok(MonitorResponse.From(monitor, await PingLinks.ForAsync(http, db, tenant.Id, ct), state));
    }
}
