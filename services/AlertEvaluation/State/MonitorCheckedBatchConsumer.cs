using MassTransit;
using Microsoft.Extensions.Options;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.State;

/// Results as the Checker publishes them: many to a MonitorCheckedPacked message (MonitorCheckedBatch from older
/// producers: the same results, evaluated the same way, on the same queue). Messages are themselves taken in batches
/// (up to `Alerting:ResultBatchMessages`, 10) so that when a backlog builds, one transaction evaluates thousands of
/// results; when there is none, a message is evaluated at most 50 ms after it arrives. ResultEvaluation orders each
/// monitor's results by due time across every message of the batch, and one batch at a time per replica keeps a
/// monitor's batches in queue order (replicas are kept apart by the row locks), as for single MonitorChecked.
public sealed class MonitorCheckedBatchConsumer(ResultEvaluation evaluation, TimeProvider clock, ILogger<MonitorCheckedBatchConsumer> log) :
    IConsumer<Batch<MonitorCheckedBatch>>,
    IConsumer<Batch<MonitorCheckedPacked>>
{
    public Task Consume(ConsumeContext<Batch<MonitorCheckedBatch>> context)
    {
        var results = new List<MonitorChecked>();
        foreach (var message in context.Message)
            results.AddRange(message.Message.Results);
        return EvaluateAsync(results, context.Message.Length, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<Batch<MonitorCheckedPacked>> context)
    {
        var results = new List<MonitorChecked>();
        foreach (var message in context.Message)
            results.AddRange(message.Message.Unpack());
        return EvaluateAsync(results, context.Message.Length, context.CancellationToken);
    }

    async Task EvaluateAsync(List<MonitorChecked> results, int messages, CancellationToken ct)
    {
        if (results.Count == 0)
            return;
        var started = clock.GetTimestamp();
        await evaluation.ApplyAsync(results, replayingParked: false, ct);
        log.LogDebug("Evaluated {Results} results of {Messages} messages in {ElapsedMs:0.0} ms",
            results.Count, messages, clock.GetElapsedTime(started).TotalMilliseconds);
    }
}

public sealed class MonitorCheckedBatchConsumerDefinition : ConsumerDefinition<MonitorCheckedBatchConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<MonitorCheckedBatchConsumer> consumer, IRegistrationContext context)
    {
        var messages = Math.Clamp(context.GetRequiredService<IOptions<ResultBatchOptions>>().Value.ResultBatchMessages, 1, 100);
        // Each message may hold hundreds of results: prefetch a few batches only, which bounds memory.
        endpoint.PrefetchCount = messages * 4;
        consumer.Options<BatchOptions>(o => o
            .SetMessageLimit(messages)
            .SetTimeLimit(TimeSpan.FromMilliseconds(50))
            .SetConcurrencyLimit(1));
    }
}

/// Tuning of the result consumers (section `Alerting`).
public sealed class ResultBatchOptions
{
    /// MonitorCheckedPacked (or MonitorCheckedBatch) messages evaluated together in one transaction, at most.
    public int ResultBatchMessages { get; set; } = 10;
}

public static class ResultConsumers
{
    /// Check results in every shape: MonitorCheckedPacked (what the Checker publishes) and MonitorCheckedBatch on one
    /// queue, single MonitorChecked (older publishers and tools) on its own, all through ResultEvaluation.
    public static IBusRegistrationConfigurator AddResultConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddOptions<ResultBatchOptions>().BindConfiguration("Alerting");
        x.AddConsumer<MonitorCheckedConsumer>(typeof(MonitorCheckedConsumerDefinition));
        x.AddConsumer<MonitorCheckedBatchConsumer>(typeof(MonitorCheckedBatchConsumerDefinition));
        return x;
    }
}
