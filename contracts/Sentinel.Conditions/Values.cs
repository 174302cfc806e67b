using System.Globalization;

namespace Sentinel.Conditions;

/// Numbers and durations as conditions read them. A duration (`48h`, `1h30m`, `250ms`, `7d`) is its length in
/// milliseconds, the unit of [RESPONSE_TIME] and [CERTIFICATE_EXPIRATION].
public static class Values
{
    public static double? ParseNumber(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            return number;
        return ParseDurationMs(text);
    }

    public static double? ParseDurationMs(string text)
    {
        if (text.Length == 0)
            return null;
        double total = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                i++;
            if (i == start || !double.TryParse(text[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
                return null;
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetterLower(text[i]))
                i++;
            double? unit = text[unitStart..i] switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => null,
            };
            if (unit is null)
                return null;
            total += amount * unit.Value;
        }
        return total;
    }

    public static string Format(double number) => number.ToString("0.###", CultureInfo.InvariantCulture);
}
