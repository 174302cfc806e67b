using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.Heartbeats;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Monitors;

/// PUT replaces the whole definition: a field left out takes its default, exactly as on create.
public static class ReplaceMonitor
{
    public static void MapReplaceMonitor(this RouteGroupBuilder api) => api.MapPut("/monitors/{id:guid}", Handle);

    static async Task<Results<Ok<MonitorResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, MonitorRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, IConfiguration configuration,
        PingTargets pingTargets, HttpRequest http, CancellationToken ct)
    {
        var monitor = await db.Monitors.SingleOrDefaultAsync(m => m.Id == id && m.TenantId == tenant.Id, ct);
        if (monitor is null)
            return Problems.NotFound("monitor", id);
        return await UpdateAsync(monitor, request, db, clock, configuration, pingTargets, ct, http);
    }

    /// Shared by PUT and PATCH: validate the complete request, apply it, and publish the new version.
    public static async Task<Results<Ok<MonitorResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Monitor monitor, MonitorRequest request, CatalogDb db, TimeProvider clock, IConfiguration configuration, PingTargets pingTargets,
        CancellationToken ct, HttpRequest? http = null)
    {
        var (spec, errors) = MonitorSpec.Parse(request, configuration.MinIntervalSeconds(), configuration.MinHeartbeatSeconds());
        if (spec is null)
            return Problems.Validation(errors);
        if (await MonitorReferences.ValidateAsync(db, monitor.TenantId, monitor.Id, spec, ct) is { Count: > 0 } missing)
            return Problems.Validation(missing);
        if (await HeartbeatSlugs.ConflictAsync(db, monitor.TenantId, monitor.Id, spec.Slug, ct) is { } conflict)
            return conflict;

        var now = clock.GetUtcNowForStorage();
        monitor.Apply(spec, now);
        db.Outbox.Add(OutboxMessage.Publish(monitor.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        pingTargets.Forget(monitor.Id); // the next ping on this replica sees the edit; other replicas learn from the event
        // Without the request (a caller other than PUT/PATCH) ping URLs come out relative to this host.
        var links = http is null ? null : await PingLinks.ForMonitorAsync(http, db, monitor, ct);
        return TypedResults.Ok(MonitorResponse.From(monitor, links));
    }
}

public static class MonitorConfiguration
{
    /// `Monitors:MinIntervalSeconds` (default 5): the shortest interval this install accepts.
    public static int MinIntervalSeconds(this IConfiguration configuration) =>
        Math.Max(1, configuration.GetValue("Monitors:MinIntervalSeconds", MonitorSpec.DefaultMinIntervalSeconds));

    /// `Heartbeats:MinSeconds` (default 60): the shortest heartbeat period and grace this install accepts.
    public static int MinHeartbeatSeconds(this IConfiguration configuration) =>
        Math.Max(1, configuration.GetValue("Heartbeats:MinSeconds", Heartbeats.HeartbeatSettingsSpec.MinSeconds));
}
