using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.EscalationPolicies;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.MaintenanceWindows;

/// CRUD of maintenance windows; every change commits with its catalog event (outbox) for Alert-Evaluation.
public static class MaintenanceWindowEndpoints
{
    public static void MapMaintenanceWindows(this RouteGroupBuilder api)
    {
        api.MapPost("/maintenance-windows", Create).AddEndpointFilter<IdempotentCreate>();
        api.MapGet("/maintenance-windows", List);
        api.MapGet("/maintenance-windows/{id:guid}", Get);
        api.MapPut("/maintenance-windows/{id:guid}", Replace);
        api.MapDelete("/maintenance-windows/{id:guid}", Delete);
    }

    static async Task<Results<Created<MaintenanceWindowResponse>, ValidationProblem>> Create(
        MaintenanceWindowRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var (spec, errors) = await ParseAsync(request, db, tenant.Id, ct);
        if (spec is null)
            return Problems.Validation(errors);
        var now = clock.GetUtcNowForStorage();
        var window = MaintenanceWindow.Create(tenant.Id, spec, now);
        db.MaintenanceWindows.Add(window);
        db.Outbox.Add(OutboxMessage.Publish(window.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/maintenance-windows/{window.Id}", MaintenanceWindowResponse.From(window));
    }

    static async Task<Results<Ok<Page<MaintenanceWindowResponse>>, ValidationProblem>> List(
        CatalogDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return Problems.Validation(errors);
        var query = db.MaintenanceWindows.AsNoTracking().Where(w => w.TenantId == tenant.Id);
        if (after is { } last)
            query = query.Where(w => w.Id.CompareTo(last) > 0);
        var rows = await query.OrderBy(w => w.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(rows, take, w => w.Id, MaintenanceWindowResponse.From));
    }

    static async Task<Results<Ok<MaintenanceWindowResponse>, ProblemHttpResult>> Get(Guid id, CatalogDb db, TenantContext tenant, CancellationToken ct)
    {
        var window = await db.MaintenanceWindows.AsNoTracking().SingleOrDefaultAsync(w => w.Id == id && w.TenantId == tenant.Id, ct);
        return window is null ? Problems.NotFound("maintenance window", id) : TypedResults.Ok(MaintenanceWindowResponse.From(window));
    }

    static async Task<Results<Ok<MaintenanceWindowResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        Guid id, MaintenanceWindowRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var window = await db.MaintenanceWindows.SingleOrDefaultAsync(w => w.Id == id && w.TenantId == tenant.Id, ct);
        if (window is null)
            return Problems.NotFound("maintenance window", id);
        var (spec, errors) = await ParseAsync(request, db, tenant.Id, ct);
        if (spec is null)
            return Problems.Validation(errors);
        var now = clock.GetUtcNowForStorage();
        window.Apply(spec, now);
        db.Outbox.Add(OutboxMessage.Publish(window.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(MaintenanceWindowResponse.From(window));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var window = await db.MaintenanceWindows.SingleOrDefaultAsync(w => w.Id == id && w.TenantId == tenant.Id, ct);
        if (window is null)
            return Problems.NotFound("maintenance window", id);
        var now = clock.GetUtcNowForStorage();
        db.MaintenanceWindows.Remove(window);
        db.Outbox.Add(OutboxMessage.Publish(window.ToDeleted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<(MaintenanceWindowSpec? Spec, Dictionary<string, string[]> Errors)> ParseAsync(
        MaintenanceWindowRequest request, CatalogDb db, Guid tenantId, CancellationToken ct)
    {
        var (spec, errors) = MaintenanceWindowSpec.Parse(request);
        if (spec is null)
            return (null, errors);
        await CatalogReferences.MissingMonitorsAsync(db, tenantId, spec.MonitorIds, errors, ct);
        return errors.Count > 0 ? (null, errors) : (spec, errors);
    }
}
