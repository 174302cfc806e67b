using System.Text.RegularExpressions;

namespace Sentinel.Contracts;

/// The `{{name}}` placeholders a monitor's customMessage (and a webhook's bodyTemplate) may use. Delivery fills them;
/// the Gateway rejects a template naming any other, so a typo is caught when the monitor is written, not at 3 am.
public static partial class MessagePlaceholders
{
    public static readonly IReadOnlyList<string> Names =
    [
        "monitor.name", "monitor.id", "event", "status", "error", "duration", "incident.id", "incident.url",
        "incident.started_at", "incident.resolved_at", "tags", "timestamp",
    ];

    /// `{{ name }}`: the name is lower case letters, digits, dots and underscores; spaces inside the braces are allowed.
    [GeneratedRegex(@"\{\{\s*(?<name>[A-Za-z0-9_.]+)\s*\}\}")]
    public static partial Regex Pattern();

    /// The placeholder names in the template that are not in Names, in order of first use; empty when all are known.
    public static IReadOnlyList<string> Unknown(string? template) =>
        string.IsNullOrEmpty(template)
            ? []
            : Pattern().Matches(template).Select(m => m.Groups["name"].Value)
                .Where(name => !Names.Contains(name)).Distinct().ToList();
}
