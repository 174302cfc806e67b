using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Channels;

/// PUT replaces the settings whole, header values included: they are write-only, so a client that wants to keep a
/// header sends its value again.
public static class ReplaceChannel
{
    public static void MapReplaceChannel(this RouteGroupBuilder api) => api.MapPut("/channels/{id:guid}", Handle);

    static async Task<Results<Ok<ChannelResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, ChannelRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var channel = await db.Channels.SingleOrDefaultAsync(c => c.Id == id && c.TenantId == tenant.Id, ct);
        if (channel is null)
            return Problems.NotFound("channel", id);
        var (spec, errors) = ChannelSpec.Parse(request);
        if (spec is null)
            return Problems.Validation(errors);

        var now = clock.GetUtcNowForStorage();
        channel.Apply(spec, now);
        db.Outbox.Add(OutboxMessage.Publish(channel.ToUpserted(spec, now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ChannelResponse.From(channel));
    }
}
