using Cronos;

namespace Sentinel.AlertEvaluation.Maintenance;

/// When maintenance covers a moment. Pure: windows in, an end time out.
public static class MaintenanceCalendar
{
    /// The end of the maintenance that covers `at`, or null when none does. A window covers [start, end); where
    /// windows overlap, the latest end wins (a check at that end looks again, so chained windows extend the silence).
    public static DateTimeOffset? ActiveUntil(IEnumerable<MaintenanceWindowCopy> windows, DateTimeOffset at)
    {
        DateTimeOffset? until = null;
        foreach (var window in windows)
            if (EndOfOccurrenceCovering(window, at) is { } end && (until is null || end > until))
                until = end;
        return until;
    }

    public static DateTimeOffset? EndOfOccurrenceCovering(MaintenanceWindowCopy window, DateTimeOffset at)
    {
        if (window.Deleted)
            return null;
        if (window.Cron is null)
            return window.StartsAt <= at && at < window.EndsAt ? window.EndsAt : null;

        if (window.DurationSeconds is not > 0)
            return null;
        var duration = TimeSpan.FromSeconds(window.DurationSeconds.Value);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(window.TimeZone ?? "UTC");
        var cron = CronExpression.Parse(window.Cron);
        // An occurrence s covers `at` when s <= at < s + duration, i.e. s in (at - duration, at]. Cronos walks the
        // local wall clock of the zone, so "02:00 every Sunday in Europe/Berlin" follows daylight saving time.
        DateTimeOffset? start = null;
        foreach (var occurrence in cron.GetOccurrences(at - duration, at, zone, fromInclusive: false, toInclusive: true))
            start = occurrence;
        // In UTC: the end becomes a due time in PostgreSQL, which stores timestamptz from UTC offsets only.
        return (start + duration)?.ToUniversalTime();
    }
}
