using Microsoft.Extensions.Options;
using Prometheus;
using Sentinel.Delivery.Channels;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Delivery.Notifications;

/// Makes one try at a pending delivery and records it: shared by the consumer (first try) and RetryLoop (the rest).
public sealed class Dispatcher(
    IEnumerable<INotificationChannel> channelKinds,
    ChannelSecrets secrets,
    ChannelLimiter limiter,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    ILogger<Dispatcher> log)
{
    static readonly Counter Sent = Metrics.CreateCounter(
        "sentinel_notifications_sent_total", "Notifications a channel accepted.", "channel_type");
    static readonly Counter Failed = Metrics.CreateCounter(
        "sentinel_notifications_failed_total", "Notifications given up on.", "channel_type");
    static readonly Histogram SendSeconds = Metrics.CreateHistogram(
        "sentinel_notification_send_seconds", "Duration of one send to a channel.", "channel_type");

    readonly Dictionary<string, INotificationChannel> kinds = channelKinds.ToDictionary(k => k.Type);

    public INotificationChannel? KindOf(string type) => kinds.GetValueOrDefault(type);

    /// delivery is pending and tracked by db; channel is its channel (null when not known). Commits the outcome.
    public async Task AttemptAsync(DeliveryDb db, NotificationDelivery delivery, Channel? channel, CancellationToken ct)
    {
        var kind = channel is null ? null : KindOf(channel.Type);
        if (channel is null || channel.Deleted || kind is null)
        {
            delivery.Fail(channel is null ? "channel unknown" : channel.Deleted ? "channel deleted" : $"unsupported channel type '{channel.Type}'",
                clock.GetUtcNow());
            await FinishAsync(db, delivery, channel?.Type ?? "unknown", ct);
            return;
        }

        using var slot = limiter.TryEnter(channel.Id);
        if (slot is null)
        {
            delivery.Defer(clock.GetUtcNow().AddMilliseconds(options.Value.BusyDeferMilliseconds));
            await db.SaveChangesAsync(ct);
            return;
        }

        var message = NotificationMessage.From(delivery.Command(), options.Value.IncidentUrl);
        var startedAt = clock.GetUtcNow();
        var result = await kind.SendAsync(channel.ToTarget(secrets), message, ct);
        var finishedAt = clock.GetUtcNow();
        SendSeconds.WithLabels(channel.Type).Observe((finishedAt - startedAt).TotalSeconds);
        // A crash between the receiver's 2xx and this commit leaves the delivery pending; it is sent again once its
        // lease runs out. Receivers that can dedupe get the notification id (header, dedup_key, alias, txn id).
        var retryAt = finishedAt + Backoff.Before(delivery.Attempts + 1, result.RetryAfter, options.Value, Random.Shared);
        db.DeliveryAttempts.Add(delivery.Record(result, startedAt, finishedAt, options.Value.MaxAttempts, retryAt));
        await FinishAsync(db, delivery, channel.Type, ct);
    }

    async Task FinishAsync(DeliveryDb db, NotificationDelivery delivery, string channelType, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (delivery.Status == DeliveryStatuses.Delivered)
            db.Outbox.Add(OutboxMessage.Publish(delivery.ToDelivered(), now));
        else if (delivery.Status == DeliveryStatuses.Failed)
            db.Outbox.Add(OutboxMessage.Publish(delivery.ToFailed(), now));
        await db.SaveChangesAsync(ct); // the outcome and its event commit together

        if (delivery.Status == DeliveryStatuses.Delivered)
        {
            Sent.WithLabels(channelType).Inc();
            log.LogInformation("Notification {NotificationId} delivered to channel {ChannelId} after {Attempts} attempt(s)",
                delivery.NotificationId, delivery.ChannelId, delivery.Attempts);
        }
        else if (delivery.Status == DeliveryStatuses.Failed)
        {
            Failed.WithLabels(channelType).Inc();
            log.LogWarning("Notification {NotificationId} to channel {ChannelId} failed after {Attempts} attempt(s): {Error}",
                delivery.NotificationId, delivery.ChannelId, delivery.Attempts, delivery.LastError);
        }
        else if (delivery.Attempts > 0)
        {
            log.LogInformation("Notification {NotificationId} attempt {Attempt} failed ({Error}); next try at {NextAttemptAt}",
                delivery.NotificationId, delivery.Attempts, delivery.LastError, delivery.NextAttemptAt);
        }
    }
}
