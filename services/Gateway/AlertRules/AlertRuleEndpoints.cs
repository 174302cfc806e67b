using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.EscalationPolicies;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.AlertRules;

/// CRUD of alert rules; every change commits with its catalog event (outbox) for Alert-Evaluation.
public static class AlertRuleEndpoints
{
    public static void MapAlertRules(this RouteGroupBuilder api)
    {
        api.MapPost("/alert-rules", Create).AddEndpointFilter<IdempotentCreate>();
        api.MapGet("/alert-rules", List);
        api.MapGet("/alert-rules/{id:guid}", Get);
        api.MapPut("/alert-rules/{id:guid}", Replace);
        api.MapDelete("/alert-rules/{id:guid}", Delete);
    }

    static async Task<Results<Created<AlertRuleResponse>, ValidationProblem>> Create(
        AlertRuleRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var (spec, errors) = await ParseAsync(request, db, tenant.Id, ct);
        if (spec is null)
            return Problems.Validation(errors);
        var now = clock.GetUtcNowForStorage();
        var rule = AlertRule.Create(tenant.Id, spec, now);
        db.AlertRules.Add(rule);
        db.Outbox.Add(OutboxMessage.Publish(rule.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/alert-rules/{rule.Id}", AlertRuleResponse.From(rule));
    }

    static async Task<Results<Ok<Page<AlertRuleResponse>>, ValidationProblem>> List(
        CatalogDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return Problems.Validation(errors);
        var query = db.AlertRules.AsNoTracking().Where(r => r.TenantId == tenant.Id);
        if (after is { } last)
            query = query.Where(r => r.Id.CompareTo(last) > 0);
        var rows = await query.OrderBy(r => r.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(rows, take, r => r.Id, AlertRuleResponse.From));
    }

    static async Task<Results<Ok<AlertRuleResponse>, ProblemHttpResult>> Get(Guid id, CatalogDb db, TenantContext tenant, CancellationToken ct)
    {
        var rule = await db.AlertRules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.TenantId == tenant.Id, ct);
        return rule is null ? Problems.NotFound("alert rule", id) : TypedResults.Ok(AlertRuleResponse.From(rule));
    }

    static async Task<Results<Ok<AlertRuleResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        Guid id, AlertRuleRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var rule = await db.AlertRules.SingleOrDefaultAsync(r => r.Id == id && r.TenantId == tenant.Id, ct);
        if (rule is null)
            return Problems.NotFound("alert rule", id);
        var (spec, errors) = await ParseAsync(request, db, tenant.Id, ct);
        if (spec is null)
            return Problems.Validation(errors);
        var now = clock.GetUtcNowForStorage();
        rule.Apply(spec, now);
        db.Outbox.Add(OutboxMessage.Publish(rule.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(AlertRuleResponse.From(rule));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var rule = await db.AlertRules.SingleOrDefaultAsync(r => r.Id == id && r.TenantId == tenant.Id, ct);
        if (rule is null)
            return Problems.NotFound("alert rule", id);
        var now = clock.GetUtcNowForStorage();
        db.AlertRules.Remove(rule);
        db.Outbox.Add(OutboxMessage.Publish(rule.ToDeleted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<(AlertRuleSpec? Spec, Dictionary<string, string[]> Errors)> ParseAsync(
        AlertRuleRequest request, CatalogDb db, Guid tenantId, CancellationToken ct)
    {
        var (spec, errors) = AlertRuleSpec.Parse(request);
        if (spec is null)
            return (null, errors);
        await CatalogReferences.MissingChannelsAsync(db, tenantId, [("channelIds", spec.ChannelIds)], errors, ct);
        await CatalogReferences.MissingMonitorsAsync(db, tenantId, spec.MonitorIds, errors, ct);
        return errors.Count > 0 ? (null, errors) : (spec, errors);
    }
}
