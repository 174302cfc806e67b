using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Heartbeats;

public sealed record PingKeyResponse(string PingKey, string SlugUrlPrefix);

/// The API-key side of heartbeats: the tenant's ping key for slug URLs, and a monitor's pings, status changes and
/// runs, which their owners keep (Telemetry-Ingest, Alert-Evaluation) and the Gateway passes through.
public static class HeartbeatEndpoints
{
    public static void MapHeartbeatApi(this RouteGroupBuilder api)
    {
        api.MapGet("/ping-key", GetPingKey);
        api.MapGet("/monitors/{id:guid}/pings", ListPings);
        api.MapGet("/monitors/{id:guid}/flips", ListFlips);
        api.MapGet("/monitors/{id:guid}/runs", ListRuns);
    }

    /// Created on first call: slug URLs are opt-in, and a key nobody asked for is one less secret to leak.
    static async Task<Ok<PingKeyResponse>> GetPingKey(HttpRequest request, CatalogDb db, TenantContext tenant, CancellationToken ct)
    {
        var key = await db.Tenants.Where(t => t.Id == tenant.Id).Select(t => t.PingKey).SingleAsync(ct);
        if (key is null)
        {
            var fresh = PingTokens.New();
            // Only the first of two concurrent calls sets it; both then answer the stored one.
            await db.Tenants.Where(t => t.Id == tenant.Id && t.PingKey == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.PingKey, fresh), ct);
            key = await db.Tenants.Where(t => t.Id == tenant.Id).Select(t => t.PingKey).SingleAsync(ct);
        }
        return TypedResults.Ok(new PingKeyResponse(key!, $"{PingLinks.BaseUrlOf(request)}/ping/{key}/"));
    }

    static async Task<Results<Ok<Page<PingView>>, ValidationProblem, ProblemHttpResult>> ListPings(
        Guid id, IPingHistoryApi telemetry, CatalogDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.ValidateLimit(limit) is { Count: > 0 } errors)
            return Problems.Validation(errors);
        if (!await OwnsAsync(db, tenant, id, ct))
            return Problems.NotFound("monitor", id);
        return TypedResults.Ok(await telemetry.ListPings(tenant.Id, id, limit, cursor, ct));
    }

    static async Task<Results<Ok<Page<FlipView>>, ValidationProblem, ProblemHttpResult>> ListFlips(
        Guid id, IFlipsAndRunsApi alerting, CatalogDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.ValidateLimit(limit) is { Count: > 0 } errors)
            return Problems.Validation(errors);
        if (!await OwnsAsync(db, tenant, id, ct))
            return Problems.NotFound("monitor", id);
        return TypedResults.Ok(await alerting.ListFlips(tenant.Id, id, limit, cursor, ct));
    }

    static async Task<Results<Ok<Page<RunView>>, ValidationProblem, ProblemHttpResult>> ListRuns(
        Guid id, IFlipsAndRunsApi alerting, CatalogDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.ValidateLimit(limit) is { Count: > 0 } errors)
            return Problems.Validation(errors);
        if (!await OwnsAsync(db, tenant, id, ct))
            return Problems.NotFound("monitor", id);
        return TypedResults.Ok(await alerting.ListRuns(tenant.Id, id, limit, cursor, ct));
    }

    /// The tenant check comes first: another tenant's monitor is a 404 before any owner is asked.
    static Task<bool> OwnsAsync(CatalogDb db, TenantContext tenant, Guid id, CancellationToken ct) =>
        db.Monitors.AnyAsync(m => m.Id == id && m.TenantId == tenant.Id, ct);
}
