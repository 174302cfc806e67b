using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Ingest;

/// Stores a batch that arrived as one message: one COPY per message, no batching window to wait out.
public sealed class MonitorCheckedBatchConsumer(PingResultWriter writer, TimeProvider clock) : IConsumer<MonitorCheckedBatch>
{
    public async Task Consume(ConsumeContext<MonitorCheckedBatch> context)
    {
        var results = context.Message.Results;
        if (results.Count == 0)
            return;
        var started = clock.GetTimestamp();
        var inserted = await writer.WriteAsync(results as IReadOnlyCollection<MonitorChecked> ?? [.. results], context.CancellationToken);
        IngestMetrics.ResultsReceived.Inc(results.Count);
        IngestMetrics.ResultsIngested.Inc(inserted);
        IngestMetrics.BatchDuration.Observe(clock.GetElapsedTime(started).TotalSeconds);
    }
}

public sealed class MonitorCheckedBatchConsumerDefinition : ConsumerDefinition<MonitorCheckedBatchConsumer>
{
    public MonitorCheckedBatchConsumerDefinition()
    {
        EndpointName = "telemetry-ingest-monitor-checked-batch";
        // Four COPYs in flight keep both cores and PostgreSQL busy; prefetch bounds memory to a few batches.
        ConcurrentMessageLimit = 4;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<MonitorCheckedBatchConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.PrefetchCount = 8;
}
