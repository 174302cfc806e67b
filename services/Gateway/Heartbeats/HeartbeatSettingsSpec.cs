using System.Text.RegularExpressions;
using Cronos;
using Sentinel.Gateway.Monitors;

namespace Sentinel.Gateway.Heartbeats;

/// Validation of a heartbeat monitor's fields. Defaults follow Healthchecks.io: a period of one day and a grace
/// time of one hour when neither a period nor a schedule is given.
public static partial class HeartbeatSettingsSpec
{
    public const int DefaultPeriodSeconds = 86_400;
    public const int DefaultGraceSeconds = 3_600;
    public const int MinSeconds = 60;
    public const int MaxSeconds = 365 * 86_400;
    public const int MaxKeywords = 20;
    public const int MaxKeywordLength = 200;
    public const string DefaultTimeZone = "UTC";
    public static readonly string[] PingMethods = ["GET", "HEAD", "POST"];

    /// Words a slug cannot be: they are the action segment of /ping/{token}/{action}, so a slug URL using them
    /// would read as a token URL.
    static readonly string[] ReservedSlugs = ["start", "fail", "log"];

    /// minSeconds is the install's floor for period and grace (Heartbeats:MinSeconds, default 60).
    public static MonitorSettings Parse(MonitorRequest r, List<string>? conditions, Action<string, string> fail, int minSeconds = MinSeconds)
    {
        int? period = null;
        string? schedule = null, timeZone = null;
        if (r.PeriodSeconds is not null && r.Schedule is not null)
            fail("schedule", "Give either periodSeconds or schedule, not both.");
        else if (r.Schedule is { } cron)
        {
            schedule = cron.Trim();
            if (!CronExpression.TryParse(schedule, CronFormat.Standard, out _))
                fail("schedule", $"'{cron}' is not a 5-field cron expression (minute hour day-of-month month day-of-week).");
            timeZone = r.TimeZone ?? DefaultTimeZone;
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
                fail("timeZone", $"'{timeZone}' is not a known IANA time zone (such as Europe/Berlin or UTC).");
        }
        else
        {
            period = r.PeriodSeconds ?? DefaultPeriodSeconds;
            if (period < minSeconds || period > MaxSeconds)
                fail("periodSeconds", $"PeriodSeconds must be between {minSeconds} and {MaxSeconds} (365 days).");
            if (r.TimeZone is not null)
                fail("timeZone", "TimeZone goes with a cron schedule only.");
        }

        var grace = r.GraceSeconds ?? DefaultGraceSeconds;
        if (grace < minSeconds || grace > MaxSeconds)
            fail("graceSeconds", $"GraceSeconds must be between {minSeconds} and {MaxSeconds} (365 days).");

        List<string>? methods = null;
        if (r.AllowedMethods is { } allowed)
        {
            methods = allowed.Select(m => m?.ToUpperInvariant() ?? "").Distinct().ToList();
            if (methods.Count == 0 || methods.Any(m => !PingMethods.Contains(m)))
                fail("allowedMethods", $"AllowedMethods takes one or more of {string.Join(", ", PingMethods)} (null allows every one).");
        }

        return new MonitorSettings(conditions,
            PeriodSeconds: period, Schedule: schedule, TimeZone: timeZone, GraceSeconds: grace,
            ManualResume: r.ManualResume ?? false, AllowedMethods: methods,
            StartKeywords: Keywords(r.StartKeywords, "startKeywords", fail),
            SuccessKeywords: Keywords(r.SuccessKeywords, "successKeywords", fail),
            FailureKeywords: Keywords(r.FailureKeywords, "failureKeywords", fail));
    }

    public static string? ParseSlug(string? slug, Action<string, string> fail)
    {
        if (slug is null)
            return null;
        if (!SlugPattern().IsMatch(slug) || ReservedSlugs.Contains(slug) || slug.All(char.IsAsciiDigit))
            fail("slug", "Slug must be 1-100 characters of a-z, 0-9 and '-', not only digits and not start, fail or log.");
        return slug;
    }

    static List<string>? Keywords(List<string>? keywords, string field, Action<string, string> fail)
    {
        if (keywords is null || keywords.Count == 0)
            return null;
        if (keywords.Count > MaxKeywords)
            fail(field, $"At most {MaxKeywords} keywords are allowed.");
        if (keywords.Any(k => string.IsNullOrWhiteSpace(k) || k.Length > MaxKeywordLength))
            fail(field, $"Each keyword must be 1-{MaxKeywordLength} characters, not blank.");
        return keywords;
    }

    [GeneratedRegex("^[a-z0-9-]{1,100}$")]
    private static partial Regex SlugPattern();
}
