using Microsoft.Extensions.Options;
using Prometheus;
using Sentinel.Delivery.Channels;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Delivery.Notifications;

/// Makes one try at a pending delivery and says what to record (SendLoop commits it through OutcomeWriter).
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

    /// delivery is pending (claimed by the caller); channel is its channel (null when not known). Changes delivery in
    /// memory and returns what to commit.
    public async Task<DeliveryWrite> AttemptAsync(NotificationDelivery delivery, Channel? channel, CancellationToken ct)
    {
        var expected = delivery.Attempts;
        var kind = channel is null ? null : KindOf(channel.Type);
        if (channel is null || channel.Deleted || kind is null)
        {
            var now = clock.GetUtcNow();
            delivery.Fail(channel is null ? "channel unknown" : channel.Deleted ? "channel deleted" : $"unsupported channel type '{channel.Type}'", now);
            return new DeliveryWrite(delivery, expected, null, OutboxMessage.Publish(delivery.ToFailed(), now), channel?.Type ?? "unknown");
        }

        using var slot = await limiter.EnterAsync(channel.Id, ct);
        if (slot is null)
        {
            delivery.Defer(clock.GetUtcNow().AddMilliseconds(options.Value.BusyDeferMilliseconds));
            return new DeliveryWrite(delivery, expected, null, null, channel.Type);
        }

        var message = NotificationMessage.From(delivery.Command(), options.Value.IncidentUrl);
        var startedAt = clock.GetUtcNow();
        var result = await kind.SendAsync(channel.ToTarget(secrets), message, ct);
        var finishedAt = clock.GetUtcNow();
        SendSeconds.WithLabels(channel.Type).Observe((finishedAt - startedAt).TotalSeconds);
        // A crash between the receiver's 2xx and the commit leaves the delivery pending; it is sent again once its
        // lease runs out. Receivers that can dedupe get the notification id (header, dedup_key, alias, txn id).
        var retryAt = finishedAt + Backoff.Before(delivery.Attempts + 1, result.RetryAfter, options.Value, Random.Shared);
        var attempt = delivery.Record(result, startedAt, finishedAt, options.Value.MaxAttempts, retryAt);
        var outcome = delivery.Status switch
        {
            DeliveryStatuses.Delivered => OutboxMessage.Publish(delivery.ToDelivered(), finishedAt),
            DeliveryStatuses.Failed => OutboxMessage.Publish(delivery.ToFailed(), finishedAt),
            _ => null,
        };
        return new DeliveryWrite(delivery, expected, attempt, outcome, channel.Type);
    }

    /// Counts and logs a committed outcome.
    public void Report(DeliveryWrite write)
    {
        var delivery = write.Delivery;
        if (delivery.Status == DeliveryStatuses.Delivered)
        {
            Sent.WithLabels(write.ChannelType).Inc();
            log.LogInformation("Notification {NotificationId} delivered to channel {ChannelId} after {Attempts} attempt(s)",
                delivery.NotificationId, delivery.ChannelId, delivery.Attempts);
        }
        else if (delivery.Status == DeliveryStatuses.Failed)
        {
            Failed.WithLabels(write.ChannelType).Inc();
            log.LogWarning("Notification {NotificationId} to channel {ChannelId} failed after {Attempts} attempt(s): {Error}",
                delivery.NotificationId, delivery.ChannelId, delivery.Attempts, delivery.LastError);
        }
        else if (write.Attempt is not null)
        {
            log.LogInformation("Notification {NotificationId} attempt {Attempt} failed ({Error}); next try at {NextAttemptAt}",
                delivery.NotificationId, delivery.Attempts, delivery.LastError, delivery.NextAttemptAt);
        }
    }
}
