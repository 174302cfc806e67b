using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Prometheus;
using Sentinel.Contracts;
using Sentinel.Delivery.Channels;
using Sentinel.ServiceDefaults.Messaging;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Delivery.Notifications;

public sealed class SendNotificationConsumer(
    DeliveryDb db,
    IEnumerable<INotificationChannel> channelKinds,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<SendNotificationConsumer> log) : IConsumer<SendNotification>
{
    static readonly Counter Sent = Metrics.CreateCounter(
        "sentinel_notifications_sent_total", "Notifications a channel accepted.", "channel_type");
    static readonly Counter Failed = Metrics.CreateCounter(
        "sentinel_notifications_failed_total", "Notifications given up on.", "channel_type");

    public async Task Consume(ConsumeContext<SendNotification> context)
    {
        var command = context.Message;
        var ct = context.CancellationToken;

        // The row stays locked until commit, across the send: a duplicate of this command consumed at the same time
        // waits (or, if the row is new, fails on the primary key and retries) and then finds the final status.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var delivery = (await db.Deliveries
            .FromSql($"select * from delivery.deliveries where notification_id = {command.NotificationId} for update")
            .ToListAsync(ct)).SingleOrDefault();
        if (delivery is { IsFinal: true })
            return; // redelivered command: already delivered or given up

        var channel = await db.Channels.FindAsync([command.ChannelId], ct)
            ?? throw new DeliveryRetryException($"Channel {command.ChannelId} is not known yet"); // its copy may still be on the way
        if (channel.TenantId != command.TenantId)
            throw new PermanentMessageException(
                $"Notification {command.NotificationId} names channel {command.ChannelId} of another tenant");

        if (delivery is null)
        {
            delivery = NotificationDelivery.Start(command, clock.GetUtcNow());
            db.Deliveries.Add(delivery);
            await db.SaveChangesAsync(ct); // inserts (and so locks) the row before anything is sent
        }

        var kind = channelKinds.FirstOrDefault(k => k.Type == channel.Type);
        if (channel.Deleted || kind is null)
        {
            delivery.Fail(channel.Deleted ? "channel deleted" : $"unsupported channel type '{channel.Type}'", clock.GetUtcNow());
            await FinishAsync(delivery, channel, tx, ct);
            return;
        }

        var startedAt = clock.GetUtcNow();
        var result = await kind.SendAsync(channel, command, ct);
        // A crash between a 2xx answer and this commit leaves the delivery pending, so the redelivered command sends
        // again; receivers dedupe on the X-Sentinel-Notification-Id header.
        db.DeliveryAttempts.Add(delivery.Record(
            result, startedAt, clock.GetUtcNow(), configuration.GetValue("Delivery:MaxAttempts", 5)));
        await FinishAsync(delivery, channel, tx, ct);

        if (!delivery.IsFinal)
            // The attempt is committed; throwing hands the next try to MassTransit's retry with its backoff.
            throw new DeliveryRetryException(
                $"Notification {delivery.NotificationId} attempt {delivery.Attempts} failed: {delivery.LastError}");
    }

    async Task FinishAsync(NotificationDelivery delivery, Channel channel, IDbContextTransaction tx, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (delivery.Status == DeliveryStatuses.Delivered)
            db.Outbox.Add(OutboxMessage.Publish(delivery.ToDelivered(), now));
        else if (delivery.Status == DeliveryStatuses.Failed)
            db.Outbox.Add(OutboxMessage.Publish(delivery.ToFailed(), now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        if (delivery.Status == DeliveryStatuses.Delivered)
        {
            Sent.WithLabels(channel.Type).Inc();
            log.LogInformation("Notification {NotificationId} delivered to channel {ChannelId} after {Attempts} attempt(s)",
                delivery.NotificationId, delivery.ChannelId, delivery.Attempts);
        }
        else if (delivery.Status == DeliveryStatuses.Failed)
        {
            Failed.WithLabels(channel.Type).Inc();
            log.LogWarning("Notification {NotificationId} to channel {ChannelId} failed after {Attempts} attempt(s): {Error}",
                delivery.NotificationId, delivery.ChannelId, delivery.Attempts, delivery.LastError);
        }
    }
}

/// Not done yet, worth another try: MassTransit's retry runs the consumer again after a backoff.
public sealed class DeliveryRetryException(string message) : Exception(message);
