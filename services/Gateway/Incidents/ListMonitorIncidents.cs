using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Incidents;

public static class ListMonitorIncidents
{
    public static void MapListMonitorIncidents(this RouteGroupBuilder api) => api.MapGet("/monitors/{id:guid}/incidents", Handle);

    static async Task<Results<Ok<Page<IncidentView>>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, IAlertEvaluationApi alerting, CatalogDb db, TenantContext tenant, string? status, int? limit,
        string? cursor, CancellationToken ct)
    {
        if (Paging.ValidateLimit(limit) is { Count: > 0 } errors)
            return Problems.Validation(errors);
        if (!await db.Monitors.AnyAsync(m => m.Id == id && m.TenantId == tenant.Id, ct))
            return Problems.NotFound("monitor", id);
        return TypedResults.Ok(await alerting.ListIncidents(tenant.Id, id, status, limit, cursor, ct));
    }
}
