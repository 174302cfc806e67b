using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels;

/// At most PerChannelConcurrency sends in flight per channel in this process. A caller that finds the channel full
/// waits in memory for the next free slot (first come, first served), but only while fewer than PerChannelQueue others
/// wait and for at most BusyWaitSeconds; otherwise it gets no slot and defers the notification. So a burst to one
/// channel drains as fast as the receiver answers, while a slow endpoint holds at most PerChannelConcurrency +
/// PerChannelQueue of the SendLoop slots every channel shares.
public sealed class ChannelLimiter(IOptions<DeliveryOptions> options)
{
    readonly ConcurrentDictionary<Guid, Gate> gates = new();

    public async Task<IDisposable?> EnterAsync(Guid channelId, CancellationToken ct)
    {
        var settings = options.Value;
        var gate = gates.GetOrAdd(channelId, _ => new Gate(settings.PerChannelConcurrency));
        if (gate.Slots.Wait(0))
            return new Slot(gate.Slots);
        if (Interlocked.Increment(ref gate.Waiting) > settings.PerChannelQueue)
        {
            Interlocked.Decrement(ref gate.Waiting);
            return null;
        }
        try
        {
            return await gate.Slots.WaitAsync(TimeSpan.FromSeconds(settings.BusyWaitSeconds), ct) ? new Slot(gate.Slots) : null;
        }
        finally
        {
            Interlocked.Decrement(ref gate.Waiting);
        }
    }

    sealed class Gate(int concurrency)
    {
        public readonly SemaphoreSlim Slots = new(concurrency);
        public int Waiting;
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
