using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels;

/// At most PerChannelConcurrency sends in flight per channel in this process. Never waits: a caller that gets no slot
/// defers the notification, so a slow endpoint holds only its own slots, never the SendLoop slots everybody shares.
public sealed class ChannelLimiter(IOptions<DeliveryOptions> options)
{
    readonly ConcurrentDictionary<Guid, SemaphoreSlim> slots = new();

    public IDisposable? TryEnter(Guid channelId)
    {
        var semaphore = slots.GetOrAdd(channelId, _ => new SemaphoreSlim(options.Value.PerChannelConcurrency));
        return semaphore.Wait(0) ? new Slot(semaphore) : null;
    }

    sealed class Slot(SemaphoreSlim semaphore) : IDisposable
    {
        int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
                semaphore.Release();
        }
    }
}
