using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels;

/// Internal API for the Gateway's `POST /api/v1/channels/{id}/test`: sends a test message now, once, without retry or
/// a delivery record, and says what the receiver answered.
public static class TestChannel
{
    public static void MapTestChannel(this IEndpointRouteBuilder app) =>
        app.MapPost("/internal/tenants/{tenantId:guid}/channels/{channelId:guid}/test", Handle);

    static async Task<Results<Ok<ChannelTestResult>, ProblemHttpResult>> Handle(
        Guid tenantId, Guid channelId, DeliveryDb db, Dispatcher dispatcher, ChannelSecrets secrets,
        IOptions<DeliveryOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var channel = await db.Channels.FindAsync([channelId], ct);
        if (channel is null || channel.Deleted || channel.TenantId != tenantId)
            return TypedResults.Problem($"Delivery has no channel {channelId} (yet).", statusCode: StatusCodes.Status404NotFound,
                title: "Not found.");
        if (dispatcher.KindOf(channel.Type) is not { } kind)
            return TypedResults.Ok(new ChannelTestResult(false, null, $"unsupported channel type '{channel.Type}'", 0));

        var now = clock.GetUtcNow();
        var notificationId = Guid.CreateVersion7(now);
        var test = new SendNotification(notificationId, tenantId, channelId, notificationId, Guid.Empty, "Sentinel test",
            NotificationText.TestEvent, "test", null, null, now, null, now);
        var started = clock.GetUtcNow();
        var result = await kind.SendAsync(channel.ToTarget(secrets), NotificationMessage.From(test, options.Value.IncidentUrl), ct);
        var elapsed = (int)Math.Round((clock.GetUtcNow() - started).TotalMilliseconds);
        return TypedResults.Ok(new ChannelTestResult(result.Outcome == SendOutcome.Delivered, result.StatusCode, result.Error, elapsed));
    }
}

public sealed record ChannelTestResult(bool Delivered, int? StatusCode, string? Error, int DurationMs);
