using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks;

/// Runs a batch of due checks with bounded concurrency; each result joins the outgoing MonitorCheckedPacked as soon as
/// its check is done (ResultBatcher). The command is acknowledged only when every one of its results has been
/// confirmed by the broker, so a Checker killed mid-batch loses nothing: the batch is redelivered, runs again and
/// publishes the same CheckIds, which downstream consumers deduplicate.
/// The Scheduler sends checks up to its lookahead early; each starts at its due time, and waiting costs no slot.
public sealed class CheckMonitorBatchConsumer(CheckRunner runner, ResultBatcher results, TimeProvider clock, IConfiguration configuration)
    : IConsumer<CheckMonitorBatch>
{
    /// A check far ahead of its due time means skewed clocks: wait at most this long rather than hold it for ages.
    static readonly TimeSpan MaxEarlyWait = TimeSpan.FromSeconds(5);

    public async Task Consume(ConsumeContext<CheckMonitorBatch> context)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, configuration.GetValue("Checker:MaxConcurrency", 64)));
        await Task.WhenAll(context.Message.Checks.Select(check => RunAsync(check, slots, context.CancellationToken)));
    }

    async Task RunAsync(DueCheck check, SemaphoreSlim slots, CancellationToken ct)
    {
        // Timers run on the monotonic clock, which may drift a few ms from wall time: wait again until the wall clock
        // says due, so a check never starts before its DueAt (bounded by MaxEarlyWait in all).
        var latest = clock.GetUtcNow() + MaxEarlyWait;
        for (var early = check.DueAt - clock.GetUtcNow(); early > TimeSpan.Zero; early = check.DueAt - clock.GetUtcNow())
        {
            var cap = latest - clock.GetUtcNow();
            if (cap <= TimeSpan.Zero)
                break;
            await Task.Delay(early < cap ? early + TimeSpan.FromMilliseconds(1) : cap, clock, ct);
        }
        MonitorChecked result;
        await slots.WaitAsync(ct);
        try
        {
            result = await runner.RunMeasuredAsync(check, clock, ct);
        }
        finally
        {
            slots.Release(); // waiting for the outgoing batch holds no slot
        }
        await results.PublishAsync(result, ct);
    }
}
