using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Pings;

/// Stores the pings of several HeartbeatsReceived messages with one COPY: at 10,000 pings/s the Gateway's batches
/// are small (a few milliseconds of pings each), and one transaction per message would cost more than the rows.
/// HeartbeatsPacked is what the Gateway publishes; HeartbeatsReceived (older producers) is the same pings.
public sealed class HeartbeatsReceivedConsumer(HeartbeatPingWriter writer, ILogger<HeartbeatsReceivedConsumer> log) :
    IConsumer<Batch<HeartbeatsReceived>>,
    IConsumer<Batch<HeartbeatsPacked>>
{
    public Task Consume(ConsumeContext<Batch<HeartbeatsReceived>> context)
    {
        var pings = new List<HeartbeatPing>();
        foreach (var message in context.Message)
            pings.AddRange(message.Message.Pings);
        return StoreAsync(pings, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<Batch<HeartbeatsPacked>> context)
    {
        var pings = new List<HeartbeatPing>();
        foreach (var message in context.Message)
            pings.AddRange(message.Message.Unpack());
        return StoreAsync(pings, context.CancellationToken);
    }

    async Task StoreAsync(List<HeartbeatPing> pings, CancellationToken ct)
    {
        var inserted = await writer.WriteAsync(pings, ct);
        PingMetrics.PingsReceived.Inc(pings.Count);
        PingMetrics.PingsStored.Inc(inserted);
        log.LogDebug("Stored {Inserted} new of {Count} heartbeat pings", inserted, pings.Count);
    }
}

public sealed class HeartbeatsReceivedConsumerDefinition : ConsumerDefinition<HeartbeatsReceivedConsumer>
{
    const int MessagesPerBatch = 100;
    const int ConcurrentBatches = 2;

    public HeartbeatsReceivedConsumerDefinition()
    {
        EndpointName = "telemetry-ingest-heartbeats-received";
        // Every message of a filling batch counts as in flight: admit them all, or batches never fill.
        ConcurrentMessageLimit = MessagesPerBatch * ConcurrentBatches;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<HeartbeatsReceivedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // 200 messages of a few dozen pings each is several thousand pings ready to write: enough for 10,000/s at
        // a COPY every few tens of milliseconds, with memory bounded.
        endpointConfigurator.PrefetchCount = MessagesPerBatch * ConcurrentBatches;
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(MessagesPerBatch)
            .SetTimeLimit(ms: 50)
            .SetConcurrencyLimit(ConcurrentBatches));
    }
}
