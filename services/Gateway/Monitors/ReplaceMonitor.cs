using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Monitors;

/// PUT replaces the whole definition: a field left out takes its default, exactly as on create.
public static class ReplaceMonitor
{
    public static void MapReplaceMonitor(this RouteGroupBuilder api) => api.MapPut("/monitors/{id:guid}", Handle);

    static async Task<Results<Ok<MonitorResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, MonitorRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, IConfiguration configuration,
        CancellationToken ct)
    {
        var monitor = await db.Monitors.SingleOrDefaultAsync(m => m.Id == id && m.TenantId == tenant.Id, ct);
        if (monitor is null)
            return Problems.NotFound("monitor", id);
        return await UpdateAsync(monitor, request, db, clock, configuration, ct);
    }

    /// Shared by PUT and PATCH: validate the complete request, apply it, and publish the new version.
    public static async Task<Results<Ok<MonitorResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Monitor monitor, MonitorRequest request, CatalogDb db, TimeProvider clock, IConfiguration configuration, CancellationToken ct)
    {
        var (spec, errors) = MonitorSpec.Parse(request, configuration.MinIntervalSeconds());
        if (spec is null)
            return Problems.Validation(errors);
        if (await MonitorReferences.ValidateAsync(db, monitor.TenantId, monitor.Id, spec, ct) is { Count: > 0 } missing)
            return Problems.Validation(missing);

        var now = clock.GetUtcNowForStorage();
        monitor.Apply(spec, now);
        db.Outbox.Add(OutboxMessage.Publish(monitor.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(MonitorResponse.From(monitor));
    }
}

public static class MonitorConfiguration
{
    /// `Monitors:MinIntervalSeconds` (default 5): the shortest interval this install accepts.
    public static int MinIntervalSeconds(this IConfiguration configuration) =>
        Math.Max(1, configuration.GetValue("Monitors:MinIntervalSeconds", MonitorSpec.DefaultMinIntervalSeconds));
}
