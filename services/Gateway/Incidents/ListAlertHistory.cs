using Microsoft.AspNetCore.Http.HttpResults;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Incidents;

/// The alert history: every alert sent or suppressed (rate limit, maintenance, parent down, flapping) with the reason.
public static class ListAlertHistory
{
    static readonly string[] Kinds = ["opened", "notified", "suppressed", "held", "acknowledged", "resolved", "flapping-started", "flapping-ended"];

    public static void MapListAlertHistory(this RouteGroupBuilder api) => api.MapGet("/alerts", Handle);

    static async Task<Results<Ok<Page<AlertHistoryView>>, ValidationProblem>> Handle(
        IAlertEvaluationApi alerting, TenantContext tenant, Guid? monitorId, Guid? incidentId, string? kind, int? limit,
        string? cursor, CancellationToken ct)
    {
        var errors = Paging.ValidateLimit(limit);
        if (kind is not null && !Kinds.Contains(kind))
            errors["kind"] = [$"Kind must be one of {string.Join(", ", Kinds)}."];
        if (errors.Count > 0)
            return Problems.Validation(errors);
        return TypedResults.Ok(await alerting.ListAlertHistory(tenant.Id, monitorId, incidentId, kind, limit, cursor, ct));
    }
}
