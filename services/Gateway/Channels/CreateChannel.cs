using Microsoft.AspNetCore.Http.HttpResults;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Channels;

public static class CreateChannel
{
    public static void MapCreateChannel(this RouteGroupBuilder api) =>
        api.MapPost("/channels", Handle).AddEndpointFilter<IdempotentCreate>();

    static async Task<Results<Created<ChannelResponse>, ValidationProblem>> Handle(
        ChannelRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var (spec, errors) = ChannelSpec.Parse(request);
        if (spec is null)
            return Problems.Validation(errors);

        var now = clock.GetUtcNowForStorage();
        var channel = Channel.Create(tenant.Id, spec, now);
        db.Channels.Add(channel);
        db.Outbox.Add(OutboxMessage.Publish(channel.ToUpserted(spec, now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/channels/{channel.Id}", ChannelResponse.From(channel));
    }
}
