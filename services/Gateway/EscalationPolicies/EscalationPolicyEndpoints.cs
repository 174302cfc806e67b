using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.EscalationPolicies;

/// CRUD of escalation policies; every change commits with its catalog event (outbox) for Alert-Evaluation.
public static class EscalationPolicyEndpoints
{
    public static void MapEscalationPolicies(this RouteGroupBuilder api)
    {
        api.MapPost("/escalation-policies", Create).AddEndpointFilter<IdempotentCreate>();
        api.MapGet("/escalation-policies", List);
        api.MapGet("/escalation-policies/{id:guid}", Get);
        api.MapPut("/escalation-policies/{id:guid}", Replace);
        api.MapDelete("/escalation-policies/{id:guid}", Delete);
    }

    static async Task<Results<Created<EscalationPolicyResponse>, ValidationProblem>> Create(
        EscalationPolicyRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var (spec, errors) = await ParseAsync(request, db, tenant.Id, ct);
        if (spec is null)
            return Problems.Validation(errors);
        var now = clock.GetUtcNowForStorage();
        var policy = EscalationPolicy.Create(tenant.Id, spec, now);
        db.EscalationPolicies.Add(policy);
        db.Outbox.Add(OutboxMessage.Publish(policy.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/escalation-policies/{policy.Id}", EscalationPolicyResponse.From(policy));
    }

    static async Task<Results<Ok<Page<EscalationPolicyResponse>>, ValidationProblem>> List(
        CatalogDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return Problems.Validation(errors);
        var query = db.EscalationPolicies.AsNoTracking().Where(p => p.TenantId == tenant.Id);
        if (after is { } last)
            query = query.Where(p => p.Id.CompareTo(last) > 0);
        var rows = await query.OrderBy(p => p.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(rows, take, p => p.Id, EscalationPolicyResponse.From));
    }

    static async Task<Results<Ok<EscalationPolicyResponse>, ProblemHttpResult>> Get(
        Guid id, CatalogDb db, TenantContext tenant, CancellationToken ct)
    {
        var policy = await db.EscalationPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.TenantId == tenant.Id, ct);
        return policy is null ? Problems.NotFound("escalation policy", id) : TypedResults.Ok(EscalationPolicyResponse.From(policy));
    }

    static async Task<Results<Ok<EscalationPolicyResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        Guid id, EscalationPolicyRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var policy = await db.EscalationPolicies.SingleOrDefaultAsync(p => p.Id == id && p.TenantId == tenant.Id, ct);
        if (policy is null)
            return Problems.NotFound("escalation policy", id);
        var (spec, errors) = await ParseAsync(request, db, tenant.Id, ct);
        if (spec is null)
            return Problems.Validation(errors);
        var now = clock.GetUtcNowForStorage();
        policy.Apply(spec, now);
        db.Outbox.Add(OutboxMessage.Publish(policy.ToUpserted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(EscalationPolicyResponse.From(policy));
    }

    /// A policy some monitor still names cannot go: the monitor would silently lose its escalation.
    static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var policy = await db.EscalationPolicies.SingleOrDefaultAsync(p => p.Id == id && p.TenantId == tenant.Id, ct);
        if (policy is null)
            return Problems.NotFound("escalation policy", id);
        var users = await db.Monitors.CountAsync(
            m => m.TenantId == tenant.Id && EF.Property<Guid?>(m, CatalogDb.MonitorEscalationPolicyId) == id, ct);
        if (users > 0)
            return Problems.Conflict($"{users} monitor(s) use this escalation policy; point them elsewhere first.");
        var now = clock.GetUtcNowForStorage();
        db.EscalationPolicies.Remove(policy);
        db.Outbox.Add(OutboxMessage.Publish(policy.ToDeleted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<(EscalationPolicySpec? Spec, Dictionary<string, string[]> Errors)> ParseAsync(
        EscalationPolicyRequest request, CatalogDb db, Guid tenantId, CancellationToken ct)
    {
        var (spec, errors) = EscalationPolicySpec.Parse(request);
        if (spec is null)
            return (null, errors);
        await CatalogReferences.MissingChannelsAsync(db, tenantId,
            spec.Levels.Select((l, i) => ($"levels[{i}].channelIds", l.ChannelIds)), errors, ct);
        return errors.Count > 0 ? (null, errors) : (spec, errors);
    }
}
