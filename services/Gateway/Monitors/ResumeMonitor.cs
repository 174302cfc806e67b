using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.Heartbeats;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Monitors;

public static class ResumeMonitor
{
    public static void MapResumeMonitor(this RouteGroupBuilder api) => api.MapPost("/monitors/{id:guid}/resume", Handle);

    static async Task<Results<Ok<MonitorResponse>, ProblemHttpResult>> Handle(
        Guid id, CatalogDb db, TenantContext tenant, TimeProvider clock, PingTargets pingTargets, HttpRequest http, CancellationToken ct)
    {
        var monitor = await db.Monitors.SingleOrDefaultAsync(m => m.Id == id && m.TenantId == tenant.Id, ct);
        if (monitor is null)
            return Problems.NotFound("monitor", id);

        var now = clock.GetUtcNowForStorage();
        monitor.Resume(now);
        db.Outbox.Add(OutboxMessage.Publish(monitor.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        pingTargets.Forget(monitor.Id);
        return TypedResults.Ok(MonitorResponse.From(monitor, await PingLinks.ForMonitorAsync(http, db, monitor, ct)));
    }
}
