using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.Heartbeats;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Monitors;

public static class DeleteMonitor
{
    public static void MapDeleteMonitor(this RouteGroupBuilder api) => api.MapDelete("/monitors/{id:guid}", Handle);

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid id, CatalogDb db, TenantContext tenant, TimeProvider clock, PingTargets pingTargets, CancellationToken ct)
    {
        var monitor = await db.Monitors.SingleOrDefaultAsync(m => m.Id == id && m.TenantId == tenant.Id, ct);
        if (monitor is null)
            return Problems.NotFound("monitor", id);

        var now = clock.GetUtcNowForStorage();
        db.Monitors.Remove(monitor);
        db.Outbox.Add(OutboxMessage.Publish(monitor.ToDeleted(now), now));
        // Its children no longer depend on anything: detach them and tell their consumers, in the same transaction.
        var children = await db.Monitors.Where(m => m.TenantId == tenant.Id && m.ParentMonitorId == id).ToListAsync(ct);
        foreach (var child in children)
        {
            child.DetachParent(now);
            db.Outbox.Add(OutboxMessage.Publish(child.ToUpserted(now), now));
        }
        // An objective about a monitor that no longer exists means nothing: its SLOs go with it.
        foreach (var slo in await db.Slos.Where(s => s.TenantId == tenant.Id && s.MonitorId == id).ToListAsync(ct))
        {
            db.Slos.Remove(slo);
            db.Outbox.Add(OutboxMessage.Publish(slo.ToDeleted(now), now));
        }
        await db.SaveChangesAsync(ct);
        pingTargets.Forget(monitor.Id); // its token stops working at once on this replica, on the others with the event
        return TypedResults.NoContent();
    }
}
