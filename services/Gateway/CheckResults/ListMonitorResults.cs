using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.CheckResults;

public static class ListMonitorResults
{
    public static void MapListMonitorResults(this RouteGroupBuilder api) => api.MapGet("/monitors/{id:guid}/results", Handle);

    static async Task<Results<Ok<Page<CheckResultView>>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, ITelemetryApi telemetry, CatalogDb db, TenantContext tenant, DateTimeOffset? from, DateTimeOffset? to,
        int? limit, string? cursor, CancellationToken ct)
    {
        var errors = Paging.ValidateLimit(limit);
        if (from is not null && to is not null && from > to)
            errors["from"] = ["From must not be after to."];
        if (errors.Count > 0)
            return Problems.Validation(errors);
        if (!await db.Monitors.AnyAsync(m => m.Id == id && m.TenantId == tenant.Id, ct))
            return Problems.NotFound("monitor", id);

        return TypedResults.Ok(await telemetry.ListResults(tenant.Id, id, Iso(from), Iso(to), limit, cursor, ct));
    }

    static string? Iso(DateTimeOffset? t) => t?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
