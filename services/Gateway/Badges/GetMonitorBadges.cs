using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Badges;

public sealed record MonitorBadgesResponse(Guid MonitorId, string PublicId, string Status, string Uptime, string ResponseTime);

/// GET /api/v1/monitors/{id}/badges: where a monitor's public badges are. The public id is only ever handed out
/// here (and on status pages the owner publishes), so badge URLs cannot be derived from the API's ids.
public static class GetMonitorBadges
{
    public static void MapGetMonitorBadges(this RouteGroupBuilder api) => api.MapGet("/monitors/{id:guid}/badges", Handle);

    static async Task<Results<Ok<MonitorBadgesResponse>, ProblemHttpResult>> Handle(
        Guid id, CatalogDb db, TenantContext tenant, HttpRequest request, CancellationToken ct)
    {
        var publicId = await db.Monitors.AsNoTracking().Where(m => m.Id == id && m.TenantId == tenant.Id)
            .Select(m => m.PublicId).SingleOrDefaultAsync(ct);
        if (publicId is null)
            return Problems.NotFound("monitor", id);
        var root = $"{request.Scheme}://{request.Host}/badge/{publicId}";
        return TypedResults.Ok(new MonitorBadgesResponse(
            id, publicId, $"{root}/status.svg", $"{root}/uptime.svg?window=24h", $"{root}/response-time.svg?window=24h"));
    }
}
