using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Locations;

public static class ListMonitorRounds
{
    public static void MapListMonitorRounds(this RouteGroupBuilder api) => api.MapGet("/monitors/{id:guid}/rounds", Handle);

    /// The newest rounds of a multi-location monitor (`limit` 1-200, default 20): each location up, down, unknown or
    /// missing, and the round's status (open, up, down, incomplete, unknown).
    static async Task<Results<Ok<RoundPage>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, ILocationsApi alerting, CatalogDb db, TenantContext tenant, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 200)
            return Problems.Validation(new Dictionary<string, string[]> { ["limit"] = ["limit must be between 1 and 200."] });
        if (!await db.Monitors.AnyAsync(m => m.Id == id && m.TenantId == tenant.Id, ct))
            return Problems.NotFound("monitor", id);
        return TypedResults.Ok(await alerting.ListRounds(tenant.Id, id, limit, ct));
    }
}
