using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.Scheduler.Heartbeats;

/// Moves the deadlines of the heartbeats a batch of pings is about: the pings of up to 50 HeartbeatsReceived messages
/// in one transaction (one locking read, one UPDATE). Pings of monitors not upserted yet are parked (EarlyPings)
/// until they are; pings of deleted or other monitors are ignored; a redelivered batch finds every ping already
/// applied. HeartbeatsPacked is what the Gateway publishes; HeartbeatsReceived (older producers) is the same pings.
public sealed class HeartbeatsReceivedConsumer(SchedulerDb db, TimeProvider clock) :
    IConsumer<Batch<HeartbeatsReceived>>,
    IConsumer<Batch<HeartbeatsPacked>>
{
    public Task Consume(ConsumeContext<Batch<HeartbeatsReceived>> context) =>
        ApplyAsync(context.Message.SelectMany(m => m.Message.Pings), context.CancellationToken);

    public Task Consume(ConsumeContext<Batch<HeartbeatsPacked>> context) =>
        ApplyAsync(context.Message.SelectMany(m => m.Message.Unpack()), context.CancellationToken);

    async Task ApplyAsync(IEnumerable<HeartbeatPing> received, CancellationToken ct)
    {
        var pings = received
            .Where(p => p.Kind != HeartbeatPingKinds.Log)
            .OrderBy(p => p.ReceivedAt).ThenBy(p => p.PingId)
            .ToList();
        if (pings.Count == 0)
            return;

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var heartbeats = await db.LockForPingsAsync(
            pings.Select(p => p.MonitorId).Distinct().Order().ToArray(), ct);
        var changed = new HashSet<Heartbeat>(ReferenceEqualityComparer.Instance);
        foreach (var ping in pings)
        {
            if (heartbeats.TryGetValue(ping.MonitorId, out var heartbeat) && heartbeat.TenantId == ping.TenantId
                && heartbeat.Apply(ping, now))
                changed.Add(heartbeat);
        }
        await db.ParkUnknownAsync(pings.Where(p => !heartbeats.ContainsKey(p.MonitorId)).ToList(), now, ct);
        if (changed.Count > 0)
            await db.SavePingsAsync(changed, ct);
        await tx.CommitAsync(ct);
    }
}

public sealed class HeartbeatsReceivedConsumerDefinition : ConsumerDefinition<HeartbeatsReceivedConsumer>
{
    const int MessagesPerBatch = 50;

    public HeartbeatsReceivedConsumerDefinition()
    {
        EndpointName = "scheduler-heartbeats-received"; // the queue it always had
        ConcurrentMessageLimit = MessagesPerBatch * 2;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<HeartbeatsReceivedConsumer> consumer, IRegistrationContext context)
    {
        // One batch at a time: concurrent transactions locking overlapping heartbeats (10,000 monitors pinged at
        // random) waited on each other's row locks; one at a time, each message costs a share of one transaction.
        // 50 ms, not 20: at thousands of pings a second a batch then holds a few messages instead of one or two, for
        // less CPU per ping (docs/benchmarks.md); a ping's answer does not wait for it, and the deadline loop
        // gives a ping 200 ms (Heartbeats:SettleMilliseconds) to land.
        endpoint.PrefetchCount = MessagesPerBatch * 2;
        consumer.Options<BatchOptions>(o => o
            .SetMessageLimit(MessagesPerBatch)
            .SetTimeLimit(TimeSpan.FromMilliseconds(50))
            .SetConcurrencyLimit(1));
    }
}
