using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Refit;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Incidents;

/// Stops further escalation levels (and reminders) of an open incident. Alert-Evaluation owns incidents, so this
/// passes the call on with which API key acknowledged; acknowledging twice returns the first acknowledgement.
public static class AcknowledgeIncident
{
    public static void MapAcknowledgeIncident(this RouteGroupBuilder api) => api.MapPost("/incidents/{id:guid}/acknowledge", Handle);

    static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> Handle(
        Guid id, IAlertEvaluationApi alerting, CatalogDb db, TenantContext tenant, CancellationToken ct)
    {
        var keyName = await db.ApiKeys.AsNoTracking().Where(k => k.Id == tenant.KeyId).Select(k => k.Name).SingleOrDefaultAsync(ct);
        try
        {
            return TypedResults.Ok(await alerting.AcknowledgeIncident(tenant.Id, id, new AcknowledgeIncidentRequest(tenant.KeyId, keyName), ct));
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return Problems.NotFound("incident", id); // another tenant's incident reads as missing too
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            return Problems.Conflict("The incident is resolved; only an open incident can be acknowledged.");
        }
    }
}
