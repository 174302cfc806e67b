using Microsoft.AspNetCore.Http.HttpResults;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Deliveries;

public static class ListDeliveries
{
    public static void MapListDeliveries(this RouteGroupBuilder api) => api.MapGet("/deliveries", Handle);

    static async Task<Results<Ok<Page<DeliveryView>>, ValidationProblem>> Handle(
        IDeliveryApi delivery, TenantContext tenant, Guid? incidentId, Guid? channelId, int? limit, string? cursor,
        CancellationToken ct)
    {
        if (Paging.ValidateLimit(limit) is { Count: > 0 } errors)
            return Problems.Validation(errors);
        return TypedResults.Ok(await delivery.ListDeliveries(tenant.Id, incidentId, channelId, limit, cursor, ct));
    }
}
