using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.Delivery.Channels;

public sealed class ChannelUpsertedConsumer(DeliveryDb db, ChannelSecrets secrets, TimeProvider clock) : IConsumer<ChannelUpserted>
{
    public async Task Consume(ConsumeContext<ChannelUpserted> context)
    {
        var upserted = context.Message;
        var channel = await db.Channels.FindAsync([upserted.ChannelId], context.CancellationToken);
        if (channel is null)
            db.Channels.Add(Channel.From(upserted, secrets, clock.GetUtcNow()));
        else if (!channel.Apply(upserted, secrets, clock.GetUtcNow()))
            return; // seen already, or older than the stored version (a delete's tombstone included)

        await db.SaveChangesAsync(context.CancellationToken);
    }
}
