using Prometheus;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks;

/// Checks per second is rate(sentinel_checks_total); lag and duration are histograms so p99s can be read off them.
static class CheckMetrics
{
    static readonly Counter Checks = Metrics.CreateCounter(
        "sentinel_checks_total", "Checks completed, by type and outcome (up/down; unknown: not run while the canaries fail).", "type", "outcome");

    static readonly Histogram Duration = Metrics.CreateHistogram(
        "sentinel_check_duration_seconds", "Wall time of one check, by type.",
        new HistogramConfiguration { LabelNames = ["type"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });

    static readonly Histogram StartLag = Metrics.CreateHistogram(
        "sentinel_check_start_lag_seconds", "Schedule lag: time from a check's due time to the moment the Checker starts it.",
        new HistogramConfiguration { Buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] });

    public static readonly Gauge InFlight = Metrics.CreateGauge("sentinel_checks_in_flight", "Checks running right now.");

    /// Results per message = rate(sentinel_checks_total) / rate(this).
    static readonly Counter ResultBatches = Metrics.CreateCounter(
        "sentinel_check_result_batches_total", "MonitorCheckedPacked messages published (each carries many results).");

    public static void ResultBatchPublished() => ResultBatches.Inc();

    public static void Started(DueCheck check, DateTimeOffset now)
    {
        InFlight.Inc();
        StartLag.Observe(Math.Max(0, (now - check.DueAt).TotalSeconds));
    }

    /// A check not run because the Checker's canaries fail (its result is published as unknown).
    public static void Unknown(string type) => Checks.WithLabels(type, "unknown").Inc();

    public static void Finished(string type, CheckOutcome outcome, TimeSpan duration)
    {
        Checks.WithLabels(type, outcome.Up ? "up" : "down").Inc();
        Duration.WithLabels(type).Observe(duration.TotalSeconds);
    }
}
