using System.Globalization;

namespace Sentinel.Checker.Checks;

/// The status codes that count as up, from strings like "200", "200-299" or "2xx". Empty means 200-299.
public sealed record ExpectedStatus(IReadOnlyList<(int From, int To)> Ranges)
{
    public static readonly ExpectedStatus Default = new([(200, 299)]);

    public bool Matches(int statusCode) => Ranges.Any(r => statusCode >= r.From && statusCode <= r.To);

    public override string ToString() =>
        string.Join(", ", Ranges.Select(r => r.From == r.To
            ? r.From.ToString(CultureInfo.InvariantCulture)
            : $"{r.From.ToString(CultureInfo.InvariantCulture)}-{r.To.ToString(CultureInfo.InvariantCulture)}"));

    /// Null with an error when an entry is not a status code or range; the Gateway validates, this guards old data.
    public static ExpectedStatus? Parse(IReadOnlyList<string>? entries, out string? error)
    {
        error = null;
        if (entries is null || entries.Count == 0)
            return Default;

        var ranges = new List<(int, int)>(entries.Count);
        foreach (var raw in entries)
        {
            if (ParseOne(raw.Trim()) is { } range)
            {
                ranges.Add(range);
                continue;
            }
            error = $"invalid expected status '{raw}'";
            return null;
        }
        return new ExpectedStatus(ranges);
    }

    static (int, int)? ParseOne(string entry)
    {
        if (entry.Length == 3 && entry[0] is >= '1' and <= '5' && entry[1..].Equals("xx", StringComparison.OrdinalIgnoreCase))
        {
            var hundreds = (entry[0] - '0') * 100;
            return (hundreds, hundreds + 99);
        }

        var dash = entry.IndexOf('-');
        if (dash < 0)
            return Code(entry) is { } single ? (single, single) : null;

        return (Code(entry[..dash].Trim()), Code(entry[(dash + 1)..].Trim())) is ({ } from, { } to) && from <= to
            ? (from, to)
            : null;
    }

    static int? Code(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599
            ? code
            : null;
}
