using MassTransit;
using Microsoft.Extensions.Options;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks;

/// Results leave the Checker as MonitorCheckedPacked messages, not one message per result: at 1,000+ checks/s one
/// message each would make RabbitMQ and every consumer's per-message cost the ceiling (BRIEF §7). Every running check
/// of every CheckMonitorBatch adds its result to the open batch; the batch is published when it holds
/// `Checker:ResultBatchSize` results (500) or `Checker:ResultBatchMilliseconds` (50) after its first result, whichever
/// comes first. PublishAsync completes only when the broker has confirmed the message holding the result, so a
/// CheckMonitorBatch is acknowledged only after all its results are on the broker: a Checker killed earlier loses
/// nothing (the command is redelivered and the checks run again under the same CheckIds). Packed rather than
/// MonitorCheckedBatch: the results as MessagePack cost consumers and this publisher a fraction of the envelope JSON.
public sealed class ResultBatcher(IBus bus, IOptions<ResultBatchOptions> options, TimeProvider clock)
{
    /// A publish the broker never confirms fails the waiting checks (their command is retried) instead of hanging.
    static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    readonly Lock gate = new();
    readonly int maxResults = Math.Clamp(options.Value.ResultBatchSize, 1, 5_000);
    readonly TimeSpan maxWait = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.ResultBatchMilliseconds, 0, 1_000));
    OpenBatch? open;

    public Task PublishAsync(MonitorChecked result, CancellationToken ct)
    {
        OpenBatch batch;
        bool full, first;
        lock (gate)
        {
            batch = open ??= new OpenBatch(maxResults);
            batch.Results.Add(result);
            first = batch.Results.Count == 1;
            full = batch.Results.Count >= maxResults;
            if (full)
                open = null;
        }
        if (full)
            _ = FlushAsync(batch);
        else if (first)
            _ = FlushLaterAsync(batch);
        return batch.Published.Task.WaitAsync(ct);
    }

    async Task FlushLaterAsync(OpenBatch batch)
    {
        await Task.Delay(maxWait, clock);
        lock (gate)
        {
            if (open != batch)
                return; // it filled up and went already
            open = null;
        }
        await FlushAsync(batch);
    }

    async Task FlushAsync(OpenBatch batch)
    {
        try
        {
            using var timeout = new CancellationTokenSource(PublishTimeout);
            await bus.Publish(MonitorCheckedPacked.Pack(Guid.NewGuid(), batch.Results), timeout.Token);
            CheckMetrics.ResultBatchPublished();
            batch.Published.TrySetResult();
        }
        catch (Exception ex)
        {
            // Not swallowed: every check waiting on this batch throws it, and their commands are retried.
            batch.Published.TrySetException(ex);
        }
    }

    sealed class OpenBatch(int capacity)
    {
        public List<MonitorChecked> Results { get; } = new(Math.Min(capacity, 64));
        public TaskCompletionSource Published { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// Tuning of the outgoing result batches (section `Checker`); the defaults suit any load: a quiet Checker sends small
/// batches after 50 ms, a busy one full batches of 500.
public sealed class ResultBatchOptions
{
    public int ResultBatchSize { get; set; } = 500;
    public int ResultBatchMilliseconds { get; set; } = 50;
}
