using System.Text.RegularExpressions;

namespace Sentinel.Deployment.Tests.Metrics;

public sealed record MetricDefinition(string Name, string Kind, IReadOnlyList<string> Labels, string File);

/// Every Prometheus metric the services define, read from their `Metrics.CreateCounter("name", "help", labels…)`.
public static partial class MetricCatalog
{
    public static IReadOnlyList<MetricDefinition> All { get; } = Load();

    static List<MetricDefinition> Load()
    {
        var result = new List<MetricDefinition>();
        foreach (var file in Repository.Sources(Repository.PathOf("services")))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in Create().Matches(text))
            {
                // The rest of the statement: label names are the string literals after the help text
                // (positional, or LabelNames = [...] in a configuration object).
                var end = text.IndexOf(';', m.Index + m.Length);
                var rest = text[(m.Index + m.Length)..(end < 0 ? text.Length : end)];
                var labels = StringLiteral().Matches(rest).Select(s => s.Groups[1].Value).ToList();
                result.Add(new MetricDefinition(m.Groups[2].Value, m.Groups[1].Value, labels, Path.GetRelativePath(Repository.Root, file)));
            }
        }
        return result;
    }

    [GeneratedRegex(@"Metrics\s*\.\s*Create(Counter|Gauge|Histogram|Summary)\s*\(\s*""([^""]+)""\s*,\s*""(?:[^""\\]|\\.)*""")]
    private static partial Regex Create();

    [GeneratedRegex(@"""([^""]*)""")]
    private static partial Regex StringLiteral();
}
