using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.Delivery.Channels;

public sealed class ChannelDeletedConsumer(DeliveryDb db, TimeProvider clock) : IConsumer<ChannelDeleted>
{
    public async Task Consume(ConsumeContext<ChannelDeleted> context)
    {
        var deleted = context.Message;
        var channel = await db.Channels.FindAsync([deleted.ChannelId], context.CancellationToken);
        if (channel is null)
            db.Channels.Add(Channel.Tombstone(deleted, clock.GetUtcNow())); // overtook its upsert: remember the delete
        else if (!channel.Apply(deleted, clock.GetUtcNow()))
            return;

        await db.SaveChangesAsync(context.CancellationToken);
    }
}
