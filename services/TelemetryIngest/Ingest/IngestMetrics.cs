using Prometheus;

namespace Sentinel.TelemetryIngest.Ingest;

static class IngestMetrics
{
    /// Every result taken off the queue, duplicates included; received minus ingested is the redelivery rate.
    public static readonly Counter ResultsReceived = Metrics.CreateCounter(
        "sentinel_results_received_total", "Check results consumed from the queue, redeliveries included.");

    /// Rows newly stored; redelivered results are not counted, so this is the true ingest rate.
    public static readonly Counter ResultsIngested = Metrics.CreateCounter(
        "sentinel_results_ingested_total", "Check results newly stored in ping_results.");

    /// One observation per COPY batch; its _count is the number of batches written.
    public static readonly Histogram BatchDuration = Metrics.CreateHistogram(
        "sentinel_results_ingest_batch_duration_seconds", "Time to COPY and merge one batch of check results.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });
}
