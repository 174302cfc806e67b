using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Refit;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Channels;

/// Sends a test message through Delivery now and says what the receiver answered. 200 whatever the receiver said
/// (the outcome is in the body); 503 when Delivery itself cannot be reached.
public static class TestChannel
{
    public static void MapTestChannel(this RouteGroupBuilder api) => api.MapPost("/channels/{id:guid}/test", Handle);

    static async Task<Results<Ok<ChannelTestResponse>, ProblemHttpResult>> Handle(
        Guid id, CatalogDb db, TenantContext tenant, IDeliveryChannelsApi delivery, CancellationToken ct)
    {
        if (!await db.Channels.AnyAsync(c => c.Id == id && c.TenantId == tenant.Id, ct))
            return Problems.NotFound("channel", id);
        try
        {
            return TypedResults.Ok(await delivery.TestChannel(tenant.Id, id, ct));
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Just created: the ChannelUpserted event has not reached Delivery yet.
            return Problems.Conflict("Delivery has not received this channel yet; try again in a few seconds.");
        }
    }
}
