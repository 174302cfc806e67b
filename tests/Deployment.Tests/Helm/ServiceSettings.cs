using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sentinel.Deployment.Tests.Helm;

/// The configuration keys a service reads, found in its source the way they are written there:
/// `configuration.GetValue("Scheduler:TickMilliseconds", …)`, `configuration["Gateway:BootstrapApiKey"]`,
/// `GetConnectionString("Postgres")`, `var rabbit = ….GetSection("RabbitMq")` then `rabbit["Host"]`, plus the keys
/// of its appsettings.json (which is where keys built at run time, like `Services:{name}`, are listed).
/// ServiceDefaults counts for a service by what its Program.cs uses: the bus (Messaging/) and the database
/// (Data/, Outbox/). Properties of options classes bound to a section (`AddOptions<T>().BindConfiguration("X")`)
/// are readable too, but optional: they are tuning with defaults the chart need not repeat.
public static partial class ServiceSettings
{
    public sealed record Keys(IReadOnlySet<string> Required, IReadOnlySet<string> Optional);

    static readonly string[] FrameworkSections = ["Logging", "Urls", "AllowedHosts", "Kestrel"];

    public static Keys ReadBy(string serviceFolder)
    {
        var root = Repository.PathOf("services", serviceFolder);
        var program = File.ReadAllText(Path.Combine(root, "Program.cs"));
        var sources = Repository.Sources(root).ToList();
        var defaults = Repository.PathOf("services", "ServiceDefaults");
        sources.AddRange(Directory.EnumerateFiles(defaults, "*.cs")); // AddSentinelDefaults: every service
        if (program.Contains("AddSentinelBus"))
            sources.AddRange(Repository.Sources(Path.Combine(defaults, "Messaging")));
        if (program.Contains("AddSentinelDatabase"))
        {
            sources.AddRange(Repository.Sources(Path.Combine(defaults, "Data")));
            sources.AddRange(Repository.Sources(Path.Combine(defaults, "Outbox")));
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var optional = new HashSet<string>(StringComparer.Ordinal);
        var texts = sources.Select(File.ReadAllText).ToList();
        foreach (var text in texts)
        {
            keys.UnionWith(KeysIn(text));
            foreach (Match array in SectionOfKey().Matches(text))
                optional.Add(array.Groups[1].Value); // a list: Section__Key__0, Section__Key__1, …
            foreach (Match bound in BoundOptions().Matches(text))
                optional.UnionWith(OptionsProperties(texts, bound.Groups[1].Value).Select(p => $"{bound.Groups[2].Value}:{p}"));
        }
        var appsettings = Path.Combine(root, "appsettings.json");
        if (File.Exists(appsettings))
            keys.UnionWith(JsonKeys(JsonDocument.Parse(File.ReadAllText(appsettings)).RootElement, "")
                .Where(k => !FrameworkSections.Contains(k.Split(':')[0])));
        optional.ExceptWith(keys);
        return new Keys(keys, optional);
    }

    static IEnumerable<string> OptionsProperties(IEnumerable<string> sources, string type)
    {
        foreach (var text in sources)
        {
            var start = Regex.Match(text, $@"\bclass\s+{Regex.Escape(type)}\b[^{{]*\{{");
            if (!start.Success)
                continue;
            // The class body: up to the brace that closes it.
            var depth = 1;
            var i = start.Index + start.Length;
            for (; i < text.Length && depth > 0; i++)
                depth += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
            foreach (Match p in SettableProperty().Matches(text[(start.Index + start.Length)..i]))
                yield return p.Groups[1].Value;
        }
    }

    public static IEnumerable<string> KeysIn(string source)
    {
        foreach (Match m in GetValueOfKey().Matches(source))
            yield return m.Groups[1].Value;
        foreach (Match m in IndexerOfKey().Matches(source))
            yield return m.Groups[1].Value;
        foreach (Match m in ConnectionString().Matches(source))
            yield return $"ConnectionStrings:{m.Groups[1].Value}";
        foreach (Match section in SectionVariable().Matches(source))
        {
            var variable = Regex.Escape(section.Groups[1].Value);
            var name = section.Groups[2].Value;
            foreach (Match m in Regex.Matches(source, $@"\b{variable}\s*\[\s*""(\w+)""\s*\]"))
                yield return $"{name}:{m.Groups[1].Value}";
            foreach (Match m in Regex.Matches(source, $@"\b{variable}\.GetValue(?:<[^>]+>)?\(\s*""(\w+)"""))
                yield return $"{name}:{m.Groups[1].Value}";
        }
    }

    /// Scheduler:TickMilliseconds → Scheduler__TickMilliseconds, as .NET maps environment variables.
    public static string EnvironmentVariable(string key) => key.Replace(":", "__");

    /// Delivery__PreviousSecretKeys__0 → Delivery__PreviousSecretKeys: an element of a list setting names the list.
    public static string Setting(string environmentVariable) => ListIndex().Replace(environmentVariable, "");

    static IEnumerable<string> JsonKeys(JsonElement element, string prefix) =>
        element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().SelectMany(p => JsonKeys(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}:{p.Name}"))
            : [prefix];

    [GeneratedRegex(@"GetValue(?:<[^>]+>)?\(\s*""([A-Za-z0-9]+(?::[A-Za-z0-9]+)+)""")]
    private static partial Regex GetValueOfKey();

    [GeneratedRegex(@"\[\s*""([A-Za-z0-9]+(?::[A-Za-z0-9]+)+)""\s*\]")]
    private static partial Regex IndexerOfKey();

    [GeneratedRegex(@"AddOptions<(\w+)>\(\)\s*\.BindConfiguration\(\s*""(\w+)""")]
    private static partial Regex BoundOptions();

    [GeneratedRegex(@"public\s+[\w<>\[\]?,.]+\s+(\w+)\s*\{\s*get;\s*(?:set|init);")]
    private static partial Regex SettableProperty();

    [GeneratedRegex(@"GetSection\(\s*""([A-Za-z0-9]+(?::[A-Za-z0-9]+)+)""\s*\)")]
    private static partial Regex SectionOfKey();

    [GeneratedRegex(@"(__\d+)+$")]
    private static partial Regex ListIndex();

    [GeneratedRegex(@"GetConnectionString\(\s*""(\w+)""\s*\)")]
    private static partial Regex ConnectionString();

    [GeneratedRegex(@"\b(\w+)\s*=\s*[^;]*?GetSection\(\s*""(\w+)""\s*\)\s*;")]
    private static partial Regex SectionVariable();
}
