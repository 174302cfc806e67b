using System.Text.RegularExpressions;

namespace Sentinel.Deployment.Tests.Metrics;

/// The Prometheus naming conventions (https://prometheus.io/docs/practices/naming/), checked on every metric the
/// services define, so a new metric cannot drift from them unnoticed.
public sealed class MetricNamingTests
{
    [Test]
    public void The_services_define_the_metrics_operators_need()
    {
        var names = MetricCatalog.All.Select(m => m.Name).ToHashSet();
        Assert.That(names, Is.SupersetOf(new[]
        {
            "sentinel_checks_total", "sentinel_check_duration_seconds", "sentinel_schedule_lag_seconds",
            "sentinel_results_ingested_total", "sentinel_notifications_sent_total", "sentinel_notifications_failed_total",
            "sentinel_outbox_backlog_messages", "sentinel_consumer_faults_total",
        }));
    }

    [Test]
    public void Every_metric_is_snake_case_under_the_sentinel_prefix()
    {
        Assert.That(MetricCatalog.All, Has.Count.GreaterThan(10));
        foreach (var metric in MetricCatalog.All)
            Assert.That(metric.Name, Does.Match("^sentinel_[a-z][a-z0-9]*(_[a-z0-9]+)*$"), metric.File);
    }

    [Test]
    public void Counters_end_in_total_and_nothing_else_does()
    {
        foreach (var metric in MetricCatalog.All)
        {
            if (metric.Kind == "Counter")
                Assert.That(metric.Name, Does.EndWith("_total"), $"{metric.Name} ({metric.File})");
            else
                Assert.That(metric.Name, Does.Not.EndWith("_total"), $"{metric.Name} is a {metric.Kind} ({metric.File})");
        }
    }

    [Test]
    public void Histograms_and_summaries_are_in_base_units_and_nothing_uses_milliseconds()
    {
        foreach (var metric in MetricCatalog.All)
        {
            if (metric.Kind is "Histogram" or "Summary")
                Assert.That(metric.Name, Does.Match("_(seconds|bytes|ratio)$"), $"{metric.Name} ({metric.File})");
            Assert.That(metric.Name, Does.Not.Match("_(ms|millis|milliseconds|minutes|hours|kb|mb)(_|$)"),
                $"{metric.Name}: base units only, seconds and bytes ({metric.File})");
        }
    }

    [Test]
    public void Labels_are_snake_case_and_never_an_unbounded_id()
    {
        foreach (var metric in MetricCatalog.All)
        foreach (var label in metric.Labels)
        {
            Assert.That(label, Does.Match("^[a-z][a-z0-9_]*$"), $"{metric.Name} label {label}");
            // One series per monitor, tenant or check would grow without bound: those belong in logs and tables.
            Assert.That(label, Does.Not.Match("(^|_)(id|ids|url)$"), $"{metric.Name} label {label} has unbounded values");
            Assert.That(label, Is.Not.EqualTo("le").And.Not.EqualTo("quantile"), $"{metric.Name} label {label} is reserved");
        }
    }

    [Test]
    public void A_name_defined_twice_is_the_same_metric()
    {
        foreach (var group in MetricCatalog.All.GroupBy(m => m.Name).Where(g => g.Count() > 1))
        {
            Assert.That(group.Select(m => m.Kind).Distinct().Count(), Is.EqualTo(1), group.Key);
            Assert.That(group.Select(m => string.Join(",", m.Labels)).Distinct().Count(), Is.EqualTo(1), group.Key);
        }
    }
}
