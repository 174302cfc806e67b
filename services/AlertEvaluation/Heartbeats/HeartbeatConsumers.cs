using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Heartbeats;

/// Pings arrive many to a message and messages are taken in batches, so a burst of pings costs a few transactions.
/// One batch at a time per replica keeps a monitor's pings in queue order (a start before its finish). HeartbeatsPacked
/// is what the Gateway publishes; HeartbeatsReceived (older producers) is the same pings, on the same queue.
public sealed class HeartbeatsReceivedConsumer(HeartbeatEvaluation heartbeats) :
    IConsumer<Batch<HeartbeatsReceived>>,
    IConsumer<Batch<HeartbeatsPacked>>
{
    public Task Consume(ConsumeContext<Batch<HeartbeatsReceived>> context)
    {
        var pings = new List<HeartbeatPing>();
        foreach (var message in context.Message)
            pings.AddRange(message.Message.Pings);
        return heartbeats.ApplyPingsAsync(pings, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<Batch<HeartbeatsPacked>> context)
    {
        var pings = new List<HeartbeatPing>();
        foreach (var message in context.Message)
            pings.AddRange(message.Message.Unpack());
        return heartbeats.ApplyPingsAsync(pings, context.CancellationToken);
    }
}

public sealed class HeartbeatsReceivedConsumerDefinition : ConsumerDefinition<HeartbeatsReceivedConsumer>
{
    const int MessagesPerBatch = 50;

    public HeartbeatsReceivedConsumerDefinition()
    {
        EndpointName = "alert-evaluation-heartbeats-received";
        ConcurrentMessageLimit = MessagesPerBatch * 2;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<HeartbeatsReceivedConsumer> consumer, IRegistrationContext context)
    {
        // A message holds a few milliseconds of the Gateway's pings: 100 prefetched messages keep the next batch ready
        // at 10,000 pings/s without holding much in memory. 50 ms, not 20: a batch then holds a few messages instead of
        // one or two, a fifth less CPU per ping (docs/benchmarks.md), for at most 30 ms more before a fail ping alerts.
        endpoint.PrefetchCount = MessagesPerBatch * 2;
        consumer.Options<BatchOptions>(o => o
            .SetMessageLimit(MessagesPerBatch)
            .SetTimeLimit(TimeSpan.FromMilliseconds(50))
            .SetConcurrencyLimit(1));
    }
}

/// Misses come one per heartbeat, but many at once when a whole fleet of jobs stops: batched like pings.
public sealed class HeartbeatDeadlineMissedConsumer(HeartbeatEvaluation heartbeats) : IConsumer<Batch<HeartbeatDeadlineMissed>>
{
    public Task Consume(ConsumeContext<Batch<HeartbeatDeadlineMissed>> context) =>
        heartbeats.ApplyMissesAsync(context.Message.Select(m => m.Message).ToList(), context.CancellationToken);
}

public sealed class HeartbeatDeadlineMissedConsumerDefinition : ConsumerDefinition<HeartbeatDeadlineMissedConsumer>
{
    const int MessagesPerBatch = 500;

    public HeartbeatDeadlineMissedConsumerDefinition()
    {
        EndpointName = "alert-evaluation-heartbeat-deadline-missed";
        ConcurrentMessageLimit = MessagesPerBatch;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<HeartbeatDeadlineMissedConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = MessagesPerBatch;
        consumer.Options<BatchOptions>(o => o
            .SetMessageLimit(MessagesPerBatch)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(1));
    }
}
