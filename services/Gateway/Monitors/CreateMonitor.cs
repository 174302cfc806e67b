using Microsoft.AspNetCore.Http.HttpResults;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.Heartbeats;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Monitors;

public static class CreateMonitor
{
    public static void MapCreateMonitor(this RouteGroupBuilder api) =>
        api.MapPost("/monitors", Handle).AddEndpointFilter<IdempotentCreate>();

    static async Task<Results<Created<MonitorResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        MonitorRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, IConfiguration configuration,
        PingTargets pingTargets, HttpRequest http, CancellationToken ct)
    {
        var (spec, errors) = MonitorSpec.Parse(request, configuration.MinIntervalSeconds(), configuration.MinHeartbeatSeconds());
        if (spec is null)
            return Problems.Validation(errors);
        var now = clock.GetUtcNowForStorage();
        var monitor = Monitor.Create(tenant.Id, spec, now);
        if (await MonitorReferences.ValidateAsync(db, tenant.Id, monitor.Id, spec, ct) is { Count: > 0 } missing)
            return Problems.Validation(missing);
        if (await HeartbeatSlugs.ConflictAsync(db, tenant.Id, monitor.Id, spec.Slug, ct) is { } conflict)
            return conflict;

        db.Monitors.Add(monitor);
        db.Outbox.Add(OutboxMessage.Publish(monitor.ToUpserted(now), now));
        await db.SaveChangesAsync(ct); // row and event commit together
        // An unknown-slug entry of this replica must not hide the new monitor; other replicas learn from the event.
        // (With an Idempotency-Key the commit comes a moment later, in IdempotentCreate: then the event settles it.)
        pingTargets.Forget(monitor.Id);
        return TypedResults.Created($"/api/v1/monitors/{monitor.Id}", MonitorResponse.From(monitor, await PingLinks.ForMonitorAsync(http, db, monitor, ct)));
    }
}
