namespace Sentinel.Conditions;

/// What a condition can ask about a check result (Gatus's placeholders).
public enum Placeholder
{
    Status,
    ResponseTime,
    Body,
    Header,
    CertificateExpiration,
    Connected,
    Ip,
    DnsRcode,
    PacketLoss,
    /// A heartbeat run's duration (start to finish) in milliseconds, e.g. `[DURATION] < 10m`.
    Duration,
}

public enum Operator { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual, Contains }

/// Where a condition's text is wrong: Position is the 0-based index of the offending character.
public sealed record ConditionError(int Position, string Message)
{
    public override string ToString() => $"position {Position}: {Message}";
}

/// One parsed condition such as `[STATUS] == 200` or `len([BODY].items) > 0`. Parsing happens when a monitor is
/// written (Gateway, to reject bad expressions with a position) and again in the Checker before evaluating.
public sealed record Condition(string Text, Operand Left, Operator Operator, Operand Right)
{
    public static bool TryParse(string text, out Condition? condition, out ConditionError? error) =>
        Parser.TryParse(text, out condition, out error);

    public static Condition Parse(string text) =>
        TryParse(text, out var condition, out var error) ? condition! : throw new FormatException($"{text}: {error}");

    public IEnumerable<Placeholder> Placeholders =>
        new[] { Left, Right }.Select(PlaceholderOf).OfType<PlaceholderOperand>().Select(p => p.Name);

    static PlaceholderOperand? PlaceholderOf(Operand operand) => operand switch
    {
        PlaceholderOperand p => p,
        LengthOperand l => l.Inner,
        HasOperand h => h.Inner,
        _ => null,
    };

    public ConditionOutcome Evaluate(CheckFacts facts) => Evaluator.Evaluate(this, facts);

    public override string ToString() => Text;
}

/// The result of one condition: the actual value is what the left side resolved to, for the user to read.
public sealed record ConditionOutcome(string Condition, bool Success, string Actual);

/// Everything a check found that conditions may refer to; null means "this check type has no such value".
public sealed record CheckFacts(
    int? Status = null,
    double? ResponseTimeMs = null,
    string? Body = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    double? CertificateExpirationMs = null,
    bool? Connected = null,
    string? Ip = null,
    string? DnsRcode = null,
    double? PacketLossPercent = null,
    double? DurationMs = null);

public abstract record Operand;

/// `[BODY].items[0].name` or `[HEADER].content-type`: Path is the JSON path (or header name), Segments its parts.
public sealed record PlaceholderOperand(Placeholder Name, string? Path, IReadOnlyList<PathSegment> Segments) : Operand;

/// `len(x)`: the length of a string, or the element count of a JSON array or object.
public sealed record LengthOperand(PlaceholderOperand Inner) : Operand;

/// `has(x)`: true when the placeholder resolves to a value (e.g. a JSON path that exists).
public sealed record HasOperand(PlaceholderOperand Inner) : Operand;

/// A literal. Number is set when the text is a number or a duration (`48h`, `500ms`: durations are milliseconds).
public sealed record LiteralOperand(string Text, double? Number) : Operand;

/// `pat(*ok*)`: a glob (`*` any run of characters, `?` one character), matched against the whole value.
public sealed record PatternOperand(string Glob) : Operand;

/// `any(a, b, c)`: equal to one of the values.
public sealed record AnyOperand(IReadOnlyList<LiteralOperand> Values) : Operand;

/// `contains(text)`: the value contains text.
public sealed record ContainsOperand(string Text) : Operand;

/// A step of a JSON path: a property name, or an array index.
public sealed record PathSegment(string? Property, int? Index);
