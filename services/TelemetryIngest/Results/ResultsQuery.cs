using System.Globalization;

namespace Sentinel.TelemetryIngest.Results;

/// The validated query string of the results listing. From is inclusive and To exclusive, both on due_at, so
/// adjacent windows never return a result twice.
public sealed record ResultsQuery(DateTimeOffset? From, DateTimeOffset? To, int Limit, ResultsCursor? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static ResultsQuery? Parse(
        string? from, string? to, string? limit, string? cursor, out Dictionary<string, string[]> errors)
    {
        errors = [];

        var fromAt = ParseInstant(from, "from", errors);
        var toAt = ParseInstant(to, "to", errors);
        if (fromAt is not null && toAt is not null && fromAt > toAt)
            errors["to"] = ["'to' must not be earlier than 'from'."];

        var take = DefaultLimit;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
            errors["limit"] = [$"'limit' must be a whole number from 1 to {MaxLimit}."];

        ResultsCursor? after = null;
        if (cursor is not null && !ResultsCursor.TryDecode(cursor, out after))
            errors["cursor"] = ["'cursor' is not a cursor this service issued."];

        return errors.Count > 0 ? null : new ResultsQuery(fromAt, toAt, take, after);
    }

    static DateTimeOffset? ParseInstant(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
            return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            return value.ToUniversalTime();
        errors[name] = [$"'{name}' must be an ISO-8601 date and time, e.g. 2025-01-31T12:00:00Z."];
        return null;
    }
}
