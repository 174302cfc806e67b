using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.EscalationPolicies;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Slos;

/// CRUD of SLOs; every change commits with its catalog event (outbox) for Alert-Evaluation's burn-rate alerts.
/// GET /slos/{id} adds the figures, which Telemetry-Ingest computes over the monitors the SLO covers.
public static class SloEndpoints
{
    public static void MapSlos(this RouteGroupBuilder api)
    {
        api.MapPost("/slos", Create).AddEndpointFilter<IdempotentCreate>().WithSummary("Create SLO");
        api.MapGet("/slos", List).WithSummary("List SLOs");
        api.MapGet("/slos/{id:guid}", Get).WithSummary("Get SLO with its attained value, error budget and burn rates")
            .WithDescription("The definition plus its status: attained percent, error budget (total, spent, remaining in seconds and %) and burn rates over 1 h and 6 h, computed by Telemetry-Ingest; 503 when it is down.");
        api.MapPut("/slos/{id:guid}", Replace).WithSummary("Replace SLO");
        api.MapDelete("/slos/{id:guid}", Delete).WithSummary("Delete SLO");
    }

    static async Task<Results<Created<SloResponse>, ValidationProblem>> Create(
        SloRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var (spec, errors) = await ParseAsync(request, db, tenant.Id, ct);
        if (spec is null)
            return Problems.Validation(errors);
        var now = clock.GetUtcNowForStorage();
        var slo = Slo.Create(tenant.Id, spec, now);
        db.Slos.Add(slo);
        db.Outbox.Add(OutboxMessage.Publish(slo.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/slos/{slo.Id}", SloResponse.From(slo));
    }

    static async Task<Results<Ok<Page<SloResponse>>, ValidationProblem>> List(
        CatalogDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return Problems.Validation(errors);
        var query = db.Slos.AsNoTracking().Where(s => s.TenantId == tenant.Id);
        if (after is { } last)
            query = query.Where(s => s.Id.CompareTo(last) > 0);
        var rows = await query.OrderBy(s => s.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(rows, take, s => s.Id, s => SloResponse.From(s)));
    }

    static async Task<Results<Ok<SloResponse>, ProblemHttpResult>> Get(
        Guid id, CatalogDb db, TenantContext tenant, ITelemetrySloApi telemetry, CancellationToken ct)
    {
        var slo = await db.Slos.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.TenantId == tenant.Id, ct);
        if (slo is null)
            return Problems.NotFound("SLO", id);
        var monitorIds = await CoveredMonitorsAsync(db, slo, ct);
        var status = await telemetry.GetFigures(tenant.Id, new SloFiguresQuery(monitorIds, slo.ObjectivePercent, slo.WindowDays), ct);
        return TypedResults.Ok(SloResponse.From(slo, status));
    }

    /// The tenant's monitors the SLO is about, as of now: a monitor tagged later counts from then on, over the whole
    /// window (its older results included), as a monitor's SLO counts results from before the SLO existed.
    static async Task<List<Guid>> CoveredMonitorsAsync(CatalogDb db, Slo slo, CancellationToken ct)
    {
        var monitors = db.Monitors.AsNoTracking().Where(m => m.TenantId == slo.TenantId);
        return slo.Tag is { } tag
            ? await monitors.Where(m => m.Tags.Contains(tag)).Select(m => m.Id).ToListAsync(ct)
            : await monitors.Where(m => m.Id == slo.MonitorId).Select(m => m.Id).ToListAsync(ct);
    }

    static async Task<Results<Ok<SloResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        Guid id, SloRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var slo = await db.Slos.SingleOrDefaultAsync(s => s.Id == id && s.TenantId == tenant.Id, ct);
        if (slo is null)
            return Problems.NotFound("SLO", id);
        var (spec, errors) = await ParseAsync(request, db, tenant.Id, ct);
        if (spec is null)
            return Problems.Validation(errors);
        var now = clock.GetUtcNowForStorage();
        slo.Apply(spec, now);
        db.Outbox.Add(OutboxMessage.Publish(slo.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(SloResponse.From(slo));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var slo = await db.Slos.SingleOrDefaultAsync(s => s.Id == id && s.TenantId == tenant.Id, ct);
        if (slo is null)
            return Problems.NotFound("SLO", id);
        var now = clock.GetUtcNowForStorage();
        db.Slos.Remove(slo);
        db.Outbox.Add(OutboxMessage.Publish(slo.ToDeleted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<(SloSpec? Spec, Dictionary<string, string[]> Errors)> ParseAsync(
        SloRequest request, CatalogDb db, Guid tenantId, CancellationToken ct)
    {
        var (spec, errors) = SloSpec.Parse(request);
        if (spec is null)
            return (null, errors);
        await CatalogReferences.MissingChannelsAsync(db, tenantId, [("channelIds", spec.ChannelIds)], errors, ct);
        if (spec.MonitorId is { } monitorId && !await db.Monitors.AnyAsync(m => m.Id == monitorId && m.TenantId == tenantId, ct))
            errors["monitorId"] = [$"Monitor {monitorId} does not exist."];
        return errors.Count > 0 ? (null, errors) : (spec, errors);
    }
}
