using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sentinel.Deployment.Tests.Metrics;

/// infra/grafana/sentinel-dashboard.json charts the metrics that exist, with the labels they have.
public sealed partial class GrafanaDashboardTests
{
    static readonly string DashboardPath = Repository.PathOf("infra", "grafana", "sentinel-dashboard.json");

    [Test]
    public void The_dashboard_is_grafana_json_with_a_prometheus_datasource_variable()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var root = dashboard.RootElement;
        Assert.That(root.GetProperty("title").GetString(), Is.EqualTo("Sentinel"));
        Assert.That(root.GetProperty("uid").GetString(), Is.Not.Empty);
        var variable = root.GetProperty("templating").GetProperty("list").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "datasource");
        Assert.That(variable.GetProperty("query").GetString(), Is.EqualTo("prometheus"));
        foreach (var panel in Panels(root).Where(p => p.GetProperty("type").GetString() != "row"))
        {
            Assert.That(panel.GetProperty("datasource").GetProperty("uid").GetString(), Is.EqualTo("${datasource}"));
            Assert.That(panel.GetProperty("targets").GetArrayLength(), Is.GreaterThan(0), panel.GetProperty("title").GetString());
        }
    }

    [Test]
    public void Every_sentinel_metric_the_dashboard_queries_exists_with_the_labels_it_groups_by()
    {
        var defined = MetricCatalog.All.ToDictionary(m => m.Name, m => m, StringComparer.Ordinal);
        var expressions = Expressions().ToList();
        Assert.That(expressions, Has.Count.GreaterThan(10));
        foreach (var expr in expressions)
        {
            foreach (Match use in SentinelMetric().Matches(expr))
            {
                var name = HistogramSeries().Replace(use.Value, "");
                Assert.That(defined.ContainsKey(name), Is.True, $"{name} in `{expr}` is not defined by any service");
                if (use.Value != name)
                    Assert.That(defined[name].Kind, Is.EqualTo("Histogram"), $"{use.Value} needs {name} to be a histogram");
                var metric = defined[name];
                foreach (Match by in GroupBy().Matches(expr))
                foreach (var label in by.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (label is "le" or "instance" or "job")
                        continue;
                    Assert.That(metric.Labels, Does.Contain(label), $"`{expr}` groups {name} by {label}, which it does not have");
                }
            }
        }
    }

    [Test]
    public void The_dashboard_charts_checks_lag_ingestion_notifications_outbox_and_consumer_faults()
    {
        var all = string.Join("\n", Expressions());
        foreach (var metric in new[]
        {
            "sentinel_checks_total", "sentinel_check_duration_seconds_bucket", "sentinel_schedule_lag_seconds_bucket",
            "sentinel_results_ingested_total", "sentinel_notifications_sent_total", "sentinel_notifications_failed_total",
            "sentinel_outbox_backlog_messages", "sentinel_consumer_faults_total",
        })
            Assert.That(all, Does.Contain(metric));
    }

    static IEnumerable<string> Expressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        return Panels(dashboard.RootElement)
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
    }

    static IEnumerable<JsonElement> Panels(JsonElement root) =>
        root.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.TryGetProperty("panels", out var inner) ? inner.EnumerateArray().Prepend(p) : [p])
            .Select(p => p.Clone())
            .ToList();

    [GeneratedRegex(@"\bsentinel_[a-z0-9_]+")]
    private static partial Regex SentinelMetric();

    [GeneratedRegex(@"_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();

    [GeneratedRegex(@"\bby\s*\(([^)]*)\)")]
    private static partial Regex GroupBy();
}
