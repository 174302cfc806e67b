using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.Heartbeats;

namespace Sentinel.Gateway.Monitors;

/// PATCH is a JSON merge patch (RFC 7396) over top-level fields: a given field replaces the stored one, `null` resets
/// it to its default, and the merged whole is validated as a PUT would be.
public static class PatchMonitor
{
    public static void MapPatchMonitor(this RouteGroupBuilder api) =>
        api.MapPatch("/monitors/{id:guid}", Handle).Accepts<MonitorRequest>("application/json", "application/merge-patch+json");

    static async Task<Results<Ok<MonitorResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, HttpRequest http, CatalogDb db, TenantContext tenant, TimeProvider clock, IOptions<JsonOptions> json,
        IConfiguration configuration, PingTargets pingTargets, CancellationToken ct)
    {
        var options = json.Value.SerializerOptions;
        // Read before the lookup so a malformed body is a 400 whatever the id.
        var patch = await JsonSerializer.DeserializeAsync<JsonObject>(http.Body, options, ct)
            ?? throw new JsonException("The request body must be a JSON object.");

        var monitor = await db.Monitors.SingleOrDefaultAsync(m => m.Id == id && m.TenantId == tenant.Id, ct);
        if (monitor is null)
            return Problems.NotFound("monitor", id);

        var merged = JsonSerializer.SerializeToNode(MonitorResponse.ToRequest(monitor), options)!.AsObject();
        foreach (var (field, value) in patch)
        {
            if (value is null)
                merged.Remove(field);
            else
                merged[field] = value.DeepClone();
        }
        var request = merged.Deserialize<MonitorRequest>(options)!;
        return await ReplaceMonitor.UpdateAsync(monitor, request, db, clock, configuration, pingTargets, ct, http);
    }
}
