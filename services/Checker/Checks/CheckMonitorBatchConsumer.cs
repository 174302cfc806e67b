using MassTransit;
using Sentinel.Checker.Checks.Http;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks;

/// Runs a batch of due checks with bounded concurrency and publishes one MonitorChecked per check as soon as it is
/// done. A redelivered batch runs again and publishes the same CheckIds, which downstream consumers deduplicate.
public sealed class CheckMonitorBatchConsumer(HttpCheck http, TimeProvider clock, IConfiguration configuration)
    : IConsumer<CheckMonitorBatch>
{
    public Task Consume(ConsumeContext<CheckMonitorBatch> context)
    {
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, configuration.GetValue("Checker:MaxConcurrency", 64)),
            CancellationToken = context.CancellationToken,
        };
        return Parallel.ForEachAsync(context.Message.Checks, options, async (check, ct) =>
        {
            var started = clock.GetTimestamp();
            var outcome = await RunAsync(check, ct);
            CheckMetrics.Record(check.Type, outcome, clock.GetElapsedTime(started));
            await context.Publish(new MonitorChecked(
                check.CheckId, check.MonitorId, check.TenantId, outcome.Up, outcome.StatusCode, outcome.LatencyMs,
                outcome.Error, check.DueAt, clock.GetUtcNow()), ct);
        });
    }

    Task<CheckOutcome> RunAsync(DueCheck check, CancellationToken ct) => check.Type switch
    {
        HttpCheck.Type when check.Http is { } spec => http.RunAsync(spec, check.TimeoutSeconds, ct),
        HttpCheck.Type => Task.FromResult(CheckOutcome.Down("HTTP check without HTTP settings")),
        // A type this Checker cannot run is a down result the user can see, not a poison message.
        _ => Task.FromResult(CheckOutcome.Down($"check type '{check.Type}' is not supported by this Checker")),
    };
}
