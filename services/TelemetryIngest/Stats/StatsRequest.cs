namespace Sentinel.TelemetryIngest.Stats;

/// The validated query of the stats endpoint: a window ending now, and optionally a series of hour or day buckets.
/// Location: only results checked from there (null: every location, each location's downtime averaged).
public sealed record StatsRequest(string Window, TimeSpan Length, string? Series, TimeSpan? BucketLength)
{
    public string? Location { get; init; }

    public const int MaxLocationLength = 100;

    public static readonly IReadOnlyDictionary<string, TimeSpan> Windows = new Dictionary<string, TimeSpan>
    {
        ["1h"] = TimeSpan.FromHours(1),
        ["24h"] = TimeSpan.FromHours(24),
        ["7d"] = TimeSpan.FromDays(7),
        ["30d"] = TimeSpan.FromDays(30),
        ["90d"] = TimeSpan.FromDays(90),
        ["365d"] = TimeSpan.FromDays(365),
    };

    static readonly IReadOnlyDictionary<string, TimeSpan> BucketLengths = new Dictionary<string, TimeSpan>
    {
        ["1h"] = TimeSpan.FromHours(1),
        ["1d"] = TimeSpan.FromDays(1),
    };

    /// Hourly buckets beyond 30 days would be thousands of points; a chart that wide wants days.
    public static readonly TimeSpan MaxHourlySeriesWindow = TimeSpan.FromDays(30);

    public static StatsRequest? Parse(string? window, string? series, out Dictionary<string, string[]> errors) =>
        Parse(window, series, null, out errors);

    public static StatsRequest? Parse(string? window, string? series, string? location, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (location is { Length: > MaxLocationLength })
            errors["location"] = [$"'location' must be at most {MaxLocationLength} characters."];
        window ??= "24h";
        if (!Windows.TryGetValue(window, out var length))
            errors["window"] = [$"'window' must be one of {string.Join(", ", Windows.Keys)}."];

        TimeSpan? bucket = null;
        if (series is not null)
        {
            if (!BucketLengths.TryGetValue(series, out var b))
                errors["series"] = ["'series' must be 1h or 1d."];
            else if (b == TimeSpan.FromHours(1) && length > MaxHourlySeriesWindow)
                errors["series"] = ["'series=1h' is available for windows up to 30d; use 'series=1d'."];
            else
                bucket = b;
        }
        return errors.Count > 0
            ? null
            : new StatsRequest(window, length, series, bucket) { Location = string.IsNullOrWhiteSpace(location) ? null : location };
    }
}
