using MassTransit;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Messaging;

namespace Sentinel.Delivery.Notifications;

/// Records the delivery, due at once, and wakes the SendLoop, which makes every try (the first included): the row is
/// committed before anything is sent, and only the command whose insert created it is ever sent, so a redelivered
/// SendNotification is a no-op. Recording is batched with the other commands being consumed at the same moment
/// (DeliveryRecorder), so a burst costs a few statements, not a transaction per notification; a pending retry lives
/// in PostgreSQL and survives a restart.
public sealed class SendNotificationConsumer(DeliveryRecorder recorder, SendLoop sender) : IConsumer<SendNotification>
{
    public async Task Consume(ConsumeContext<SendNotification> context)
    {
        var command = context.Message;
        switch (await recorder.RecordAsync(command, context.CancellationToken))
        {
            case RecordOutcome.Recorded:
                sender.Wake();
                return;
            case RecordOutcome.Duplicate:
                return; // redelivered command: sent, being sent, or waiting for its retry
            case RecordOutcome.UnknownChannel:
                // Its copy may still be on the way: MassTransit's retry runs the consumer again after a backoff.
                throw new DeliveryRetryException($"Channel {command.ChannelId} is not known yet");
            default:
                throw new PermanentMessageException(
                    $"Notification {command.NotificationId} names channel {command.ChannelId} of another tenant");
        }
    }
}

/// Not possible yet, worth another try: MassTransit's retry runs the consumer again after a backoff.
public sealed class DeliveryRetryException(string message) : Exception(message);
