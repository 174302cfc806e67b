using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.State;

/// Results arrive in batches (one transaction per batch instead of one per result: the broker and PostgreSQL, not
/// the evaluation, bound the throughput).
public sealed class MonitorCheckedConsumer(ResultEvaluation evaluation) : IConsumer<Batch<MonitorChecked>>
{
    public Task Consume(ConsumeContext<Batch<MonitorChecked>> context) =>
        evaluation.ApplyAsync(context.Message.Select(m => m.Message).ToList(), replayingParked: false, context.CancellationToken);
}

public sealed class MonitorCheckedConsumerDefinition : ConsumerDefinition<MonitorCheckedConsumer>
{
    public MonitorCheckedConsumerDefinition() => Endpoint(e => e.PrefetchCount = 1000);

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<MonitorCheckedConsumer> consumer, IRegistrationContext context)
    {
        // One batch at a time per replica keeps a monitor's results in queue order (a backlog after a restart must
        // count failures in the order they happened); replicas are kept apart by the row locks of ResultEvaluation.
        consumer.Options<BatchOptions>(o => o
            .SetMessageLimit(500)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(1));
    }
}
