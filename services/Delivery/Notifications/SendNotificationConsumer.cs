using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Messaging;

namespace Sentinel.Delivery.Notifications;

/// Records the delivery, then makes the first try. Later tries are RetryLoop's, driven by the row in PostgreSQL, so
/// a pending retry survives a restart and the broker never holds a message for minutes.
public sealed class SendNotificationConsumer(
    DeliveryDb db, Dispatcher dispatcher, IOptions<DeliveryOptions> options, TimeProvider clock)
    : IConsumer<SendNotification>
{
    public async Task Consume(ConsumeContext<SendNotification> context)
    {
        var command = context.Message;
        var ct = context.CancellationToken;

        if (await db.Deliveries.AnyAsync(d => d.NotificationId == command.NotificationId, ct))
            return; // redelivered command: sent, being sent, or waiting for its retry

        var channel = await db.Channels.FindAsync([command.ChannelId], ct)
            ?? throw new DeliveryRetryException($"Channel {command.ChannelId} is not known yet"); // its copy may still be on the way
        if (channel.TenantId != command.TenantId)
            throw new PermanentMessageException(
                $"Notification {command.NotificationId} names channel {command.ChannelId} of another tenant");

        // Recorded before anything is sent, holding a lease: a duplicate consumed at the same time fails on the
        // primary key, is retried and then finds this row.
        var now = clock.GetUtcNow();
        var delivery = NotificationDelivery.Start(command, now, now.AddSeconds(options.Value.LeaseSeconds));
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync(ct);

        await dispatcher.AttemptAsync(db, delivery, channel, ct);
    }
}

/// Not possible yet, worth another try: MassTransit's retry runs the consumer again after a backoff.
public sealed class DeliveryRetryException(string message) : Exception(message);
