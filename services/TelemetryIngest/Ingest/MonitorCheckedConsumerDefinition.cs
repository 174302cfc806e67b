using MassTransit;

namespace Sentinel.TelemetryIngest.Ingest;

public sealed class MonitorCheckedConsumerDefinition : ConsumerDefinition<MonitorCheckedConsumer>
{
    const int BatchSize = 500;
    const int ConcurrentBatches = 2;

    public MonitorCheckedConsumerDefinition()
    {
        EndpointName = "telemetry-ingest-monitor-checked";
        // Every message of every in-flight batch is "being consumed" while the batch fills: the endpoint must admit
        // them all, or batches never reach their size and always wait out the time limit.
        ConcurrentMessageLimit = BatchSize * ConcurrentBatches;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<MonitorCheckedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = BatchSize * ConcurrentBatches;
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(BatchSize)
            .SetTimeLimit(ms: 100)
            .SetConcurrencyLimit(ConcurrentBatches));
    }
}
