using System.Text.Json;

namespace Sentinel.Conditions;

/// Resolves placeholders against what a check found and applies the operator. A placeholder the check did not
/// produce (a JSON path that does not exist, [DNS_RCODE] on an HTTP check) fails the condition with actual "(missing)".
static class Evaluator
{
    const string Missing = "(missing)";

    public static ConditionOutcome Evaluate(Condition condition, CheckFacts facts)
    {
        var left = Resolve(condition.Left, facts);
        var success = left is not null && Compare(left, condition.Operator, condition.Right, facts);
        return new ConditionOutcome(condition.Text, success, left ?? Missing);
    }

    static bool Compare(string left, Operator op, Operand right, CheckFacts facts)
    {
        switch (right)
        {
            case PatternOperand pattern:
                return Glob.Matches(pattern.Glob, left) == (op == Operator.Equal);
            case AnyOperand any:
                return any.Values.Any(v => AreEqual(left, v.Text)) == (op == Operator.Equal);
            case ContainsOperand contains:
                return left.Contains(contains.Text, StringComparison.Ordinal) == (op == Operator.Equal);
        }

        var value = Resolve(right, facts);
        if (value is null)
            return false;
        if (op == Operator.Contains)
            return left.Contains(value, StringComparison.Ordinal);
        if (op is Operator.Equal or Operator.NotEqual)
            return AreEqual(left, value) == (op == Operator.Equal);

        if (Values.ParseNumber(left) is not { } l || Values.ParseNumber(value) is not { } r)
            return false;
        return op switch
        {
            Operator.Less => l < r,
            Operator.LessOrEqual => l <= r,
            Operator.Greater => l > r,
            _ => l >= r,
        };
    }

    // Numbers compare as numbers (so 200 equals 200.0), everything else as exact text.
    static bool AreEqual(string left, string right) =>
        double.TryParse(left, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var l)
        && double.TryParse(right, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var r)
            ? l == r
            : string.Equals(left, right, StringComparison.Ordinal);

    static string? Resolve(Operand operand, CheckFacts facts) => operand switch
    {
        LiteralOperand literal => literal.Number is { } n && Values.ParseDurationMs(literal.Text) is not null
            ? Values.Format(n) // a duration compares as its milliseconds
            : literal.Text,
        PlaceholderOperand placeholder => Text(Lookup(placeholder, facts)),
        LengthOperand length => Lookup(length.Inner, facts) switch
        {
            null => null,
            JsonElement { ValueKind: JsonValueKind.Array } array => Values.Format(array.GetArrayLength()),
            JsonElement { ValueKind: JsonValueKind.Object } obj => Values.Format(obj.EnumerateObject().Count()),
            var other => Values.Format(Text(other)!.Length),
        },
        HasOperand has => Lookup(has.Inner, facts) is null ? "false" : "true",
        _ => null,
    };

    static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } s => s.GetString(),
        JsonElement { ValueKind: JsonValueKind.True } => "true",
        JsonElement { ValueKind: JsonValueKind.False } => "false",
        JsonElement e => e.GetRawText(),
        _ => value.ToString(),
    };

    static object? Lookup(PlaceholderOperand placeholder, CheckFacts facts) => placeholder.Name switch
    {
        Placeholder.Status => facts.Status is { } s ? Values.Format(s) : null,
        Placeholder.ResponseTime => facts.ResponseTimeMs is { } ms ? Values.Format(Math.Round(ms)) : null,
        Placeholder.Body => placeholder.Segments.Count == 0 ? facts.Body : JsonPath(facts.Body, placeholder.Segments),
        Placeholder.Header => facts.Headers?.FirstOrDefault(h => string.Equals(h.Key, placeholder.Path, StringComparison.OrdinalIgnoreCase)).Value,
        Placeholder.CertificateExpiration => facts.CertificateExpirationMs is { } exp ? Values.Format(Math.Round(exp)) : null,
        Placeholder.Connected => facts.Connected is { } c ? (c ? "true" : "false") : null,
        Placeholder.Ip => facts.Ip,
        Placeholder.DnsRcode => facts.DnsRcode,
        Placeholder.PacketLoss => facts.PacketLossPercent is { } loss ? Values.Format(loss) : null,
        Placeholder.Duration => facts.DurationMs is { } duration ? Values.Format(Math.Round(duration)) : null,
        _ => null,
    };

    static JsonElement? JsonPath(string? body, IReadOnlyList<PathSegment> segments)
    {
        if (string.IsNullOrEmpty(body))
            return null;
        JsonElement current;
        try
        {
            // Cloned so the element outlives the document; bodies are capped by the check, so this stays small.
            using var document = JsonDocument.Parse(body);
            current = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null; // not JSON: a path into it resolves to nothing
        }

        foreach (var segment in segments)
        {
            if (segment.Property is { } property)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(property, out current))
                    return null;
            }
            else if (current.ValueKind != JsonValueKind.Array || segment.Index >= current.GetArrayLength())
                return null;
            else
                current = current[segment.Index!.Value];
        }
        return current;
    }
}

/// `*` matches any run of characters (also none), `?` exactly one; everything else itself.
static class Glob
{
    public static bool Matches(string pattern, string value)
    {
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == value[v]))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
                return false;
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }
}
