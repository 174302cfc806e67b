using System.Threading.Channels;
using Prometheus;

namespace Sentinel.Delivery.Notifications;

/// Gathers the items that concurrent callers hand in and writes them a batch at a time: one statement and one commit
/// for everything queued since the last write, instead of one transaction per notification. Each caller awaits its
/// own item's result, so "recorded before sent" still holds for every item. A failed write fails every item of its
/// batch (the callers retry as they would after a failed transaction of their own).
public sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    static readonly Histogram BatchSeconds = Metrics.CreateHistogram(
        "sentinel_delivery_write_batch_seconds", "Duration of one batched write (recording commands, committing outcomes).", "writer");
    static readonly Counter Items = Metrics.CreateCounter(
        "sentinel_delivery_written_items_total", "Items written by the batched writers (items per batch = this / batches).", "writer");

    readonly Channel<Entry> queue = Channel.CreateUnbounded<Entry>();
    readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> write;
    readonly int maxBatch;
    readonly Task[] writers;

    readonly string name;

    /// name labels the metrics; writers: batches written at once, so one slow commit does not hold up the next batch.
    public GroupCommit(string name, Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> write, int maxBatch, int writers)
    {
        this.name = name;
        this.write = write;
        this.maxBatch = maxBatch;
        this.writers = Enumerable.Range(0, writers).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    public Task<TResult> SubmitAsync(TItem item, CancellationToken ct)
    {
        var entry = new Entry(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(entry))
            throw new ObjectDisposedException(nameof(GroupCommit<TItem, TResult>), "the service is stopping");
        return entry.Result.Task.WaitAsync(ct);
    }

    async Task RunAsync()
    {
        var batch = new List<Entry>(maxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var entry))
                batch.Add(entry);
            if (batch.Count == 0)
                continue;
            Items.WithLabels(name).Inc(batch.Count);
            using var timer = BatchSeconds.WithLabels(name).NewTimer();
            try
            {
                var results = await write(batch.Select(e => e.Item).ToList());
                for (var i = 0; i < batch.Count; i++)
                    batch[i].Result.TrySetResult(results[i]);
            }
            catch (Exception ex)
            {
                foreach (var entry in batch)
                    entry.Result.TrySetException(ex);
            }
            batch.Clear();
        }
    }

    /// Writes what is queued, then stops.
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(writers);
    }

    sealed record Entry(TItem Item, TaskCompletionSource<TResult> Result);
}
