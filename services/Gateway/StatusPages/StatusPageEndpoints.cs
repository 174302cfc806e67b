using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.StatusPages;

/// CRUD of status pages under /api/v1. Pages are Gateway-only configuration: no other service needs them, so no
/// catalog event is published.
public static class StatusPageEndpoints
{
    public static void MapStatusPages(this RouteGroupBuilder api)
    {
        api.MapPost("/status-pages", Create).AddEndpointFilter<IdempotentCreate>();
        api.MapGet("/status-pages", List);
        api.MapGet("/status-pages/{id:guid}", Get);
        api.MapPut("/status-pages/{id:guid}", Replace);
        api.MapDelete("/status-pages/{id:guid}", Delete);
    }

    static async Task<Results<Created<StatusPageResponse>, ValidationProblem, ProblemHttpResult>> Create(
        StatusPageRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, StatusPageCache cache,
        CancellationToken ct)
    {
        var (spec, errors) = await ParseAsync(request, db, tenant.Id, ct);
        if (spec is null)
            return Problems.Validation(errors);
        if (await TakenAsync(db, spec, null, ct) is { } taken)
            return taken;
        var page = StatusPage.Create(tenant.Id, spec, clock.GetUtcNowForStorage());
        db.StatusPages.Add(page);
        if (await SaveAsync(db, ct) is { } conflict)
            return conflict;
        cache.Forget(page.Slug);
        return TypedResults.Created($"/api/v1/status-pages/{page.Id}", StatusPageResponse.From(page));
    }

    static async Task<Results<Ok<Page<StatusPageResponse>>, ValidationProblem>> List(
        CatalogDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return Problems.Validation(errors);
        var query = db.StatusPages.AsNoTracking().Where(p => p.TenantId == tenant.Id);
        if (after is { } last)
            query = query.Where(p => p.Id.CompareTo(last) > 0);
        var rows = await query.OrderBy(p => p.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.ToPage(rows, take, p => p.Id, StatusPageResponse.From));
    }

    static async Task<Results<Ok<StatusPageResponse>, ProblemHttpResult>> Get(
        Guid id, CatalogDb db, TenantContext tenant, CancellationToken ct)
    {
        var page = await db.StatusPages.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.TenantId == tenant.Id, ct);
        return page is null ? Problems.NotFound("status page", id) : TypedResults.Ok(StatusPageResponse.From(page));
    }

    static async Task<Results<Ok<StatusPageResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        Guid id, StatusPageRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, StatusPageCache cache,
        CancellationToken ct)
    {
        var page = await db.StatusPages.SingleOrDefaultAsync(p => p.Id == id && p.TenantId == tenant.Id, ct);
        if (page is null)
            return Problems.NotFound("status page", id);
        var (spec, errors) = await ParseAsync(request, db, tenant.Id, ct);
        if (spec is null)
            return Problems.Validation(errors);
        if (await TakenAsync(db, spec, id, ct) is { } taken)
            return taken;
        var oldSlug = page.Slug;
        page.Apply(spec, clock.GetUtcNowForStorage());
        if (await SaveAsync(db, ct) is { } conflict)
            return conflict;
        cache.Forget(oldSlug);
        cache.Forget(page.Slug);
        return TypedResults.Ok(StatusPageResponse.From(page));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, CatalogDb db, TenantContext tenant, StatusPageCache cache, CancellationToken ct)
    {
        var page = await db.StatusPages.SingleOrDefaultAsync(p => p.Id == id && p.TenantId == tenant.Id, ct);
        if (page is null)
            return Problems.NotFound("status page", id);
        db.StatusPages.Remove(page);
        await db.SaveChangesAsync(ct);
        cache.Forget(page.Slug);
        return TypedResults.NoContent();
    }

    static async Task<(StatusPageSpec? Spec, Dictionary<string, string[]> Errors)> ParseAsync(
        StatusPageRequest request, CatalogDb db, Guid tenantId, CancellationToken ct)
    {
        var (spec, errors) = StatusPageSpec.Parse(request);
        if (spec is null)
            return (null, errors);
        var ids = spec.Groups.SelectMany(g => g.MonitorIds).Distinct().ToList();
        var found = await db.Monitors.Where(m => m.TenantId == tenantId && ids.Contains(m.Id)).Select(m => m.Id).ToListAsync(ct);
        for (var i = 0; i < spec.Groups.Count; i++)
            if (spec.Groups[i].MonitorIds.Except(found).ToList() is { Count: > 0 } missing)
                errors[$"groups[{i}].monitorIds"] = missing.Select(id => $"Monitor {id} does not exist.").ToArray();
        return errors.Count > 0 ? (null, errors) : (spec, errors);
    }

    static async Task<ProblemHttpResult?> TakenAsync(CatalogDb db, StatusPageSpec spec, Guid? self, CancellationToken ct) =>
        await TakenAsync(db.StatusPages.Where(p => p.Id != self), spec, ct) is { Count: > 0 } taken
            ? Problems.Conflict(taken.First().Value[0])
            : null;

    /// Slugs and domains are global (they are URLs), so the check spans tenants; the message names only the value.
    /// `others` are the pages the spec must not collide with: every other page here, other tenants' pages in an import.
    public static async Task<Dictionary<string, string[]>> TakenAsync(IQueryable<StatusPage> others, StatusPageSpec spec, CancellationToken ct)
    {
        var taken = new Dictionary<string, string[]>();
        if (await others.AnyAsync(p => p.Slug == spec.Slug, ct))
            taken["slug"] = [$"The slug '{spec.Slug}' is taken; choose another."];
        if (spec.CustomDomain is { } domain && await others.AnyAsync(p => p.CustomDomain == domain, ct))
            taken["customDomain"] = [$"The domain '{domain}' already serves another status page."];
        return taken;
    }

    /// Two concurrent creates with one slug both pass TakenAsync; the unique index decides and the loser gets a 409.
    static async Task<ProblemHttpResult?> SaveAsync(CatalogDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("The slug or custom domain is taken; choose another.");
        }
    }
}
