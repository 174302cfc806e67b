using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Ingest;

/// Takes check results in batches so that thousands of results per second cost a few COPYs, not thousands of
/// INSERTs. A failed batch is retried whole; the writer makes that harmless.
public sealed class MonitorCheckedConsumer(
    PingResultWriter writer, TimeProvider clock, ILogger<MonitorCheckedConsumer> log)
    : IConsumer<Batch<MonitorChecked>>
{
    public async Task Consume(ConsumeContext<Batch<MonitorChecked>> context)
    {
        var results = new List<MonitorChecked>(context.Message.Length);
        foreach (var message in context.Message)
            results.Add(message.Message);

        var started = clock.GetTimestamp();
        var inserted = await writer.WriteAsync(results, context.CancellationToken);
        var elapsed = clock.GetElapsedTime(started);

        IngestMetrics.ResultsReceived.Inc(results.Count);
        IngestMetrics.ResultsIngested.Inc(inserted);
        IngestMetrics.BatchDuration.Observe(elapsed.TotalSeconds);
        log.LogDebug("Stored {Inserted} new of {BatchSize} results in {ElapsedMs:0.0} ms",
            inserted, results.Count, elapsed.TotalMilliseconds);
    }
}
