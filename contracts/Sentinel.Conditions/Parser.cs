using System.Globalization;
using System.Text;

namespace Sentinel.Conditions;

/// A hand-written scanner over the Gatus condition grammar:
/// <code>
/// condition := left op right
/// left      := placeholder | len(placeholder) | has(placeholder)
/// op        := == | != | &lt;= | &gt;= | &lt; | &gt; | contains
/// right     := placeholder | len(placeholder) | pat(glob) | any(v, …) | contains(text) | "quoted" | bare text to the end
/// </code>
/// Every error names the position of the character where the text stopped making sense.
static class Parser
{
    const int MaxLength = 1000;

    static readonly (string Text, Operator Operator)[] Operators =
    [
        ("==", Operator.Equal), ("!=", Operator.NotEqual), ("<=", Operator.LessOrEqual), (">=", Operator.GreaterOrEqual),
        ("<", Operator.Less), (">", Operator.Greater),
    ];

    static readonly Dictionary<string, Placeholder> Names = new(StringComparer.Ordinal)
    {
        ["STATUS"] = Placeholder.Status,
        ["RESPONSE_TIME"] = Placeholder.ResponseTime,
        ["BODY"] = Placeholder.Body,
        ["HEADER"] = Placeholder.Header,
        ["CERTIFICATE_EXPIRATION"] = Placeholder.CertificateExpiration,
        ["CONNECTED"] = Placeholder.Connected,
        ["IP"] = Placeholder.Ip,
        ["DNS_RCODE"] = Placeholder.DnsRcode,
        ["PACKET_LOSS"] = Placeholder.PacketLoss,
        ["DURATION"] = Placeholder.Duration,
    };

    sealed class SyntaxError(int position, string message) : Exception(message)
    {
        public int Position { get; } = position;
    }

    public static bool TryParse(string text, out Condition? condition, out ConditionError? error)
    {
        condition = null;
        error = null;
        try
        {
            if (text is null || text.Trim().Length == 0)
                throw new SyntaxError(0, "the condition is empty");
            if (text.Length > MaxLength)
                throw new SyntaxError(MaxLength, $"a condition is at most {MaxLength} characters");
            condition = new Scanner(text).ParseCondition();
            return true;
        }
        catch (SyntaxError e)
        {
            error = new ConditionError(e.Position, e.Message);
            return false;
        }
    }

    sealed class Scanner(string text)
    {
        int pos;

        public Condition ParseCondition()
        {
            SkipSpace();
            var left = ParseLeft();
            SkipSpace();
            var opAt = pos;
            var op = ParseOperator();
            SkipSpace();
            if (pos >= text.Length)
                throw new SyntaxError(pos, $"expected a value after '{text[opAt..pos].Trim()}'");
            var rightAt = pos;
            var right = ParseRight(op);
            CheckCombination(op, right, rightAt);
            return new Condition(text.Trim(), left, op, right);
        }

        Operand ParseLeft()
        {
            if (Peek('['))
                return ParsePlaceholder();
            var start = pos;
            var name = ReadWord();
            if (name is "len" or "has" && Peek('('))
            {
                pos++;
                SkipSpace();
                if (!Peek('['))
                    throw new SyntaxError(pos, $"{name}() takes a placeholder such as [BODY]");
                var inner = ParsePlaceholder();
                SkipSpace();
                Expect(')');
                return name == "len" ? new LengthOperand(inner) : new HasOperand(inner);
            }
            throw new SyntaxError(start, "expected a placeholder such as [STATUS], or len(...) / has(...)");
        }

        Operator ParseOperator()
        {
            foreach (var (symbol, op) in Operators)
                if (string.CompareOrdinal(text, pos, symbol, 0, symbol.Length) == 0)
                {
                    pos += symbol.Length;
                    return op;
                }
            if (string.CompareOrdinal(text, pos, "contains", 0, 8) == 0 && pos + 8 < text.Length && char.IsWhiteSpace(text[pos + 8]))
            {
                pos += 8;
                return Operator.Contains;
            }
            throw new SyntaxError(pos, pos >= text.Length
                ? "expected an operator (==, !=, <, <=, >, >=, contains) after the placeholder"
                : $"expected an operator (==, !=, <, <=, >, >=, contains) but found '{text[pos]}'");
        }

        Operand ParseRight(Operator op)
        {
            Operand right;
            if (Peek('['))
                right = ParsePlaceholder();
            else if (Peek('"'))
                right = Literal(ReadQuoted());
            else
            {
                var start = pos;
                var word = ReadWord();
                if (word is "len" or "pat" or "any" or "contains" && Peek('('))
                {
                    pos++;
                    right = word switch
                    {
                        "len" => ParseLengthArgument(),
                        "pat" => new PatternOperand(Unquote(ReadArguments(single: true)[0])),
                        "any" => new AnyOperand(ReadArguments(single: false).Select(a => Literal(Unquote(a))).ToList()),
                        _ => new ContainsOperand(Unquote(ReadArguments(single: true)[0])),
                    };
                }
                else
                {
                    if (text[start] is '=' or '!' or '<' or '>')
                        throw new SyntaxError(start, $"unexpected '{text[start]}': one operator per condition");
                    // A bare value runs to the end, spaces included, as Gatus reads `[BODY] == hello world`.
                    pos = text.Length;
                    return Literal(text[start..].Trim());
                }
            }
            SkipSpace();
            if (pos < text.Length)
                throw new SyntaxError(pos, $"unexpected '{text[pos..]}' after the value");
            return right;
        }

        LengthOperand ParseLengthArgument()
        {
            SkipSpace();
            if (!Peek('['))
                throw new SyntaxError(pos, "len() takes a placeholder such as [BODY]");
            var inner = ParsePlaceholder();
            SkipSpace();
            Expect(')');
            return new LengthOperand(inner);
        }

        static void CheckCombination(Operator op, Operand right, int at)
        {
            var ordering = op is Operator.Less or Operator.LessOrEqual or Operator.Greater or Operator.GreaterOrEqual;
            switch (right)
            {
                case PatternOperand or AnyOperand or ContainsOperand when op is not (Operator.Equal or Operator.NotEqual):
                    throw new SyntaxError(at, "pat(), any() and contains() go with == or !=");
                case LiteralOperand { Number: null } literal when ordering:
                    throw new SyntaxError(at, $"'{literal.Text}' is not a number or duration (such as 500, 1.5 or 48h)");
                case not LiteralOperand when op == Operator.Contains:
                    throw new SyntaxError(at, "contains takes a text value");
            }
        }

        PlaceholderOperand ParsePlaceholder()
        {
            var start = pos;
            Expect('[');
            var nameStart = pos;
            while (pos < text.Length && (char.IsAsciiLetterUpper(text[pos]) || text[pos] == '_'))
                pos++;
            var name = text[nameStart..pos];
            if (!Peek(']'))
                throw new SyntaxError(pos, "expected ']' to close the placeholder");
            pos++;
            if (!Names.TryGetValue(name, out var placeholder))
                throw new SyntaxError(start, $"unknown placeholder [{name}]; known: {string.Join(", ", Names.Keys.Select(k => $"[{k}]"))}");

            switch (placeholder)
            {
                case Placeholder.Header:
                    if (!Peek('.'))
                        throw new SyntaxError(pos, "[HEADER] needs a header name, as in [HEADER].content-type");
                    pos++;
                    var headerStart = pos;
                    while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] is '-' or '_'))
                        pos++;
                    if (pos == headerStart)
                        throw new SyntaxError(pos, "expected a header name after [HEADER].");
                    return new PlaceholderOperand(placeholder, text[headerStart..pos], []);
                case Placeholder.Body:
                    var pathStart = pos;
                    var segments = ParsePath();
                    return new PlaceholderOperand(placeholder, segments.Count == 0 ? null : text[pathStart..pos], segments);
                default:
                    if (Peek('.') || Peek('['))
                        throw new SyntaxError(pos, $"[{name}] takes no path");
                    return new PlaceholderOperand(placeholder, null, []);
            }
        }

        List<PathSegment> ParsePath()
        {
            var segments = new List<PathSegment>();
            while (pos < text.Length)
            {
                if (text[pos] == '.')
                {
                    pos++;
                    var start = pos;
                    while (pos < text.Length && !char.IsWhiteSpace(text[pos]) && text[pos] is not ('.' or '[' or ')' or ','))
                        pos++;
                    if (pos == start)
                        throw new SyntaxError(pos, "expected a property name after '.'");
                    segments.Add(new PathSegment(text[start..pos], null));
                }
                else if (text[pos] == '[')
                {
                    pos++;
                    var start = pos;
                    while (pos < text.Length && char.IsAsciiDigit(text[pos]))
                        pos++;
                    if (pos == start || !int.TryParse(text[start..pos], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                        throw new SyntaxError(start, "expected an array index such as [0]");
                    Expect(']');
                    segments.Add(new PathSegment(null, index));
                }
                else
                    break;
            }
            return segments;
        }

        List<string> ReadArguments(bool single)
        {
            var args = new List<string>();
            var current = new StringBuilder();
            var quoted = false;
            for (; pos < text.Length; pos++)
            {
                var c = text[pos];
                if (c == '"')
                    quoted = !quoted;
                // A glob or a text may hold commas; only any() lists values.
                if (!quoted && (c == ')' || (c == ',' && !single)))
                {
                    if (current.ToString().Trim().Length == 0)
                        throw new SyntaxError(pos, "empty argument");
                    args.Add(current.ToString().Trim());
                    current.Clear();
                    if (c == ',')
                        continue;
                    pos++;
                    return args;
                }
                current.Append(c);
            }
            throw new SyntaxError(text.Length, "expected ')' to close the function");
        }

        string ReadQuoted()
        {
            var start = pos;
            pos++;
            var value = new StringBuilder();
            while (pos < text.Length)
            {
                var c = text[pos++];
                if (c == '"')
                    return value.ToString();
                if (c == '\\' && pos < text.Length)
                    c = text[pos++];
                value.Append(c);
            }
            throw new SyntaxError(start, "unterminated string: expected a closing '\"'");
        }

        static string Unquote(string argument) =>
            argument.Length >= 2 && argument[0] == '"' && argument[^1] == '"'
                ? argument[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal)
                : argument;

        string ReadWord()
        {
            var start = pos;
            while (pos < text.Length && char.IsAsciiLetter(text[pos]))
                pos++;
            return text[start..pos];
        }

        void SkipSpace()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
                pos++;
        }

        bool Peek(char c) => pos < text.Length && text[pos] == c;

        void Expect(char c)
        {
            if (!Peek(c))
                throw new SyntaxError(pos, pos < text.Length ? $"expected '{c}' but found '{text[pos]}'" : $"expected '{c}'");
            pos++;
        }
    }

    public static LiteralOperand Literal(string text) => new(text, Values.ParseNumber(text));
}
