using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Ingest;

/// Stores batches that arrived as MonitorCheckedPacked (what the Checker publishes) or MonitorCheckedBatch (older
/// producers) messages, several messages per transaction when a backlog exists: a commit (and its WAL flush) then
/// covers thousands of results instead of one message's few hundred. Both shapes share one queue, so one prefetch
/// bounds the memory, and one code path once unpacked.
public sealed class MonitorCheckedBatchConsumer(PingResultWriter writer, TimeProvider clock) :
    IConsumer<Batch<MonitorCheckedBatch>>,
    IConsumer<Batch<MonitorCheckedPacked>>
{
    public Task Consume(ConsumeContext<Batch<MonitorCheckedBatch>> context)
    {
        var results = new List<MonitorChecked>();
        foreach (var message in context.Message)
            results.AddRange(message.Message.Results);
        return StoreAsync(results, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<Batch<MonitorCheckedPacked>> context)
    {
        var results = new List<MonitorChecked>();
        foreach (var message in context.Message)
            results.AddRange(message.Message.Unpack());
        return StoreAsync(results, context.CancellationToken);
    }

    async Task StoreAsync(List<MonitorChecked> results, CancellationToken ct)
    {
        if (results.Count == 0)
            return;
        var started = clock.GetTimestamp();
        var inserted = await writer.WriteAsync(results, ct);
        IngestMetrics.ResultsReceived.Inc(results.Count);
        IngestMetrics.ResultsIngested.Inc(inserted);
        IngestMetrics.BatchDuration.Observe(clock.GetElapsedTime(started).TotalSeconds);
    }
}

public sealed class MonitorCheckedBatchConsumerDefinition : ConsumerDefinition<MonitorCheckedBatchConsumer>
{
    /// Messages per transaction: 10 of the Checker's 500 results make 5,000 rows per COPY.
    const int MessagesPerTransaction = 10;
    const int ConcurrentTransactions = 2;

    public MonitorCheckedBatchConsumerDefinition()
    {
        EndpointName = "telemetry-ingest-monitor-checked-batch";
        // Every message of every in-flight batch counts as being consumed while the batch fills.
        ConcurrentMessageLimit = MessagesPerTransaction * ConcurrentTransactions;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<MonitorCheckedBatchConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // The prefetch bounds the consumer's memory: at most 20 messages (10,000 results at the Checker's 500)
        // are held at once, however long the queue.
        endpointConfigurator.PrefetchCount = MessagesPerTransaction * ConcurrentTransactions;
        // Two transactions in flight: one COPYs while the other commits and the next messages are deserialized.
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(MessagesPerTransaction)
            .SetTimeLimit(ms: 20)
            .SetConcurrencyLimit(ConcurrentTransactions));
    }
}
