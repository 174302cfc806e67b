using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sentinel.Deployment.Tests.Helm;

/// The chart as files. No helm binary can be installed here, so templates are read the way that is left: with every
/// Go-template action removed, what remains must still be the Kubernetes YAML it will render to.
public static partial class Chart
{
    public static readonly string Directory = Repository.PathOf("infra", "helm", "sentinel");

    public static YamlMappingNode Values => Repository.YamlFile("infra", "helm", "sentinel", "values.yaml");

    public static IReadOnlyList<string> Templates =>
        System.IO.Directory.EnumerateFiles(Path.Combine(Directory, "templates"), "*.yaml").Order().ToList();

    public static string Template(string name) => File.ReadAllText(Path.Combine(Directory, "templates", name));

    /// Every `{{ … }}` action removed (values, includes, if/range/end): the YAML skeleton of the template.
    public static string Strip(string template) => Action().Replace(template, "");

    public static IReadOnlyList<YamlMappingNode> Documents(string templateName) =>
        Repository.YamlDocuments(Strip(Template(templateName)));

    /// .Values.a.b.c (also $.Values…) in every template and helper.
    public static IEnumerable<(string File, string Path)> ValuesPaths() =>
        System.IO.Directory.EnumerateFiles(Path.Combine(Directory, "templates"))
            .SelectMany(f => ValuesPath().Matches(File.ReadAllText(f)).Select(m => (Path.GetFileName(f), m.Groups[1].Value)));

    [GeneratedRegex(@"\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z0-9_]+)+)")]
    private static partial Regex ValuesPath();
}
