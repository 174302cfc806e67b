using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Channels;

public static class GetChannel
{
    public static void MapGetChannel(this RouteGroupBuilder api) => api.MapGet("/channels/{id:guid}", Handle);

    static async Task<Results<Ok<ChannelResponse>, ProblemHttpResult>> Handle(
        Guid id, CatalogDb db, TenantContext tenant, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.TenantId == tenant.Id, ct);
        return channel is null ? Problems.NotFound("channel", id) : TypedResults.Ok(ChannelResponse.From(channel));
    }
}
