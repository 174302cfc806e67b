using System.Text.RegularExpressions;

namespace Sentinel.Contracts;

/// Check locations: where a Checker stands (Checker:Location, e.g. "eu-west"). A name becomes part of a queue name.
public static partial class Locations
{
    public const int MaxNameLength = 32;

    /// Lowercase letters, digits and inner hyphens, 1-32 characters: "eu-west", "dc2".
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= MaxNameLength } && NamePattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex NamePattern();
}
