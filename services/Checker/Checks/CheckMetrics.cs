using Prometheus;

namespace Sentinel.Checker.Checks;

static class CheckMetrics
{
    static readonly Counter Checks = Metrics.CreateCounter(
        "sentinel_checks_total", "Checks completed, by type and outcome (up/down).", "type", "outcome");

    static readonly Histogram Duration = Metrics.CreateHistogram(
        "sentinel_check_duration_seconds", "Wall time of one check, by type.",
        new HistogramConfiguration { LabelNames = ["type"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });

    public static void Record(string type, CheckOutcome outcome, TimeSpan duration)
    {
        Checks.WithLabels(type, outcome.Up ? "up" : "down").Inc();
        Duration.WithLabels(type).Observe(duration.TotalSeconds);
    }
}
