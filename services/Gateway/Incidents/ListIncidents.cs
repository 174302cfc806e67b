using Microsoft.AspNetCore.Http.HttpResults;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Incidents;

public static class ListIncidents
{
    static readonly string[] Statuses = ["open", "acknowledged", "resolved"];

    public static void MapListIncidents(this RouteGroupBuilder api) => api.MapGet("/incidents", Handle);

    static async Task<Results<Ok<Page<IncidentView>>, ValidationProblem>> Handle(
        IAlertEvaluationApi alerting, TenantContext tenant, Guid? monitorId, string? status, int? limit, string? cursor,
        CancellationToken ct)
    {
        var errors = Paging.ValidateLimit(limit);
        if (status is not null && !Statuses.Contains(status))
            errors["status"] = [$"Status must be one of {string.Join(", ", Statuses)}."];
        if (errors.Count > 0)
            return Problems.Validation(errors);
        return TypedResults.Ok(await alerting.ListIncidents(tenant.Id, monitorId, status, limit, cursor, ct));
    }
}
