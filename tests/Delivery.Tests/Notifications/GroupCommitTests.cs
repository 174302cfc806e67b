using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Tests.Notifications;

public sealed class GroupCommitTests
{
    [Test]
    public async Task Items_handed_in_while_a_write_runs_go_into_the_next_batch_and_each_caller_gets_its_own_result()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new List<int[]>();
        await using var commit = new GroupCommit<int, int>("test", async items =>
        {
            lock (batches)
                batches.Add(items.ToArray());
            await gate.Task;
            return items.Select(i => i * 10).ToList();
        }, maxBatch: 100, writers: 1);

        var first = commit.SubmitAsync(1, CancellationToken.None);
        await Sentinel.Testing.Poll.UntilAsync(() => Task.FromResult(batches.Count), n => n == 1, TimeSpan.FromSeconds(5), "the first write");
        var rest = Enumerable.Range(2, 9).Select(i => commit.SubmitAsync(i, CancellationToken.None)).ToList();
        gate.SetResult();

        var results = await Task.WhenAll(rest.Prepend(first));
        Assert.Multiple(() =>
        {
            Assert.That(results, Is.EqualTo(Enumerable.Range(1, 10).Select(i => i * 10)));
            Assert.That(batches.Select(b => b.Length), Is.EqualTo(new[] { 1, 9 }));
        });
    }

    [Test]
    public async Task A_failed_write_fails_every_item_of_its_batch_and_later_batches_still_run()
    {
        var calls = 0;
        await using var commit = new GroupCommit<int, int>("test", items =>
        {
            if (Interlocked.Increment(ref calls) == 1)
                throw new InvalidOperationException("database away");
            return Task.FromResult<IReadOnlyList<int>>(items.ToList());
        }, maxBatch: 100, writers: 1);

        var failed = commit.SubmitAsync(1, CancellationToken.None);
        Assert.ThrowsAsync<InvalidOperationException>(async () => await failed);
        Assert.That(await commit.SubmitAsync(2, CancellationToken.None), Is.EqualTo(2));
    }

    [Test]
    public async Task Nothing_is_accepted_once_disposed()
    {
        var commit = new GroupCommit<int, int>("test", items => Task.FromResult<IReadOnlyList<int>>(items.ToList()), maxBatch: 10, writers: 2);
        await commit.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => commit.SubmitAsync(1, CancellationToken.None));
    }
}
