using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sentinel.Deployment.Tests;

/// Files of this repository, read where they are: the chart, the dashboard and the services' sources.
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// C# sources of a folder, without build output.
    public static IEnumerable<string> Sources(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    public static IReadOnlyList<YamlMappingNode> YamlDocuments(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public static YamlMappingNode YamlFile(params string[] parts) =>
        YamlDocuments(File.ReadAllText(PathOf(parts))).Single();

    public static YamlNode? Child(this YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static string? Scalar(this YamlNode? node, string key) => (node.Child(key) as YamlScalarNode)?.Value;

    public static IEnumerable<string> Keys(this YamlNode? node) =>
        node is YamlMappingNode map ? map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!) : [];

    /// gateway → Gateway, telemetryIngest → TelemetryIngest: the values key of a service to its project folder.
    public static string ServiceFolder(string valuesKey) => char.ToUpperInvariant(valuesKey[0]) + valuesKey[1..];

    /// telemetryIngest → telemetry-ingest: the component name the chart gives the service's objects.
    public static string Component(string valuesKey) =>
        Regex.Replace(valuesKey, "([a-z])([A-Z])", "$1-$2").ToLowerInvariant();

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sentinel.Microservices.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Sentinel.Microservices.sln not found above " + AppContext.BaseDirectory);
    }
}
