using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Sentinel.Scheduler.Heartbeats;

/// Internal API the Gateway reads a heartbeat's live state through (the Gateway checks the key; this trusts it).
public static class HeartbeatEndpoints
{
    public static void MapHeartbeatEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/internal/tenants/{tenantId:guid}/heartbeats/{monitorId:guid}", Get);

    static async Task<Results<Ok<HeartbeatView>, ProblemHttpResult>> Get(
        Guid tenantId, Guid monitorId, SchedulerDb db, TimeProvider clock, CancellationToken ct)
    {
        var heartbeat = await db.Heartbeats.AsNoTracking()
            .FirstOrDefaultAsync(h => h.MonitorId == monitorId && h.TenantId == tenantId, ct);
        if (heartbeat is null)
            return TypedResults.Problem($"The Scheduler has no heartbeat monitor {monitorId} (yet).",
                statusCode: StatusCodes.Status404NotFound, title: "Not found.");
        return TypedResults.Ok(HeartbeatView.At(heartbeat, clock.GetUtcNow()));
    }
}
