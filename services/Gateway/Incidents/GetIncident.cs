using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Refit;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Incidents;

public static class GetIncident
{
    public static void MapGetIncident(this RouteGroupBuilder api) => api.MapGet("/incidents/{id:guid}", Handle);

    static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> Handle(
        Guid id, IAlertEvaluationApi alerting, TenantContext tenant, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await alerting.GetIncident(tenant.Id, id, ct));
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Alert-Evaluation answers 404 for another tenant's incident too, so nothing leaks.
            return Problems.NotFound("incident", id);
        }
    }
}
