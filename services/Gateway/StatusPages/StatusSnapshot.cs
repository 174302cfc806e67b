using Cronos;
using Sentinel.Contracts;
using Sentinel.Gateway.MaintenanceWindows;

namespace Sentinel.Gateway.StatusPages;

/// Everything one rendering of a status page shows, gathered once and cached briefly. Internal monitor ids stay
/// in here for matching live events; what leaves the Gateway uses PublicId only.
public sealed record StatusSnapshot(
    Guid PageId,
    Guid TenantId,
    string Slug,
    string Title,
    string? Description,
    int HistoryDays,
    IReadOnlyList<GroupSnapshot> Groups,
    IReadOnlyList<IncidentSnapshot>? Incidents,
    IReadOnlyList<MaintenanceSnapshot> Maintenance,
    bool HistoryAvailable,
    DateTimeOffset GeneratedAt,
    string LastEventId)
{
    public IEnumerable<MonitorSnapshot> Monitors => Groups.SelectMany(g => g.Monitors);

    /// The page's headline: any monitor down is an outage; otherwise all up is operational.
    public string Overall
    {
        get
        {
            var statuses = Monitors.Select(m => m.Status).ToList();
            if (statuses.Contains(MonitorStatuses.Down))
                return statuses.All(s => s == MonitorStatuses.Down) ? "major-outage" : "partial-outage";
            if (Maintenance.Any(m => m.Active))
                return "maintenance";
            return statuses.All(s => s is MonitorStatuses.Up) ? "operational" : "unknown";
        }
    }
}

public sealed record GroupSnapshot(string Name, IReadOnlyList<MonitorSnapshot> Monitors);

/// Days: oldest first, one per day of the page's history (null when the history could not be read).
public sealed record MonitorSnapshot(
    Guid MonitorId, string PublicId, string Name, string Status, double? UptimePercent, IReadOnlyList<DaySnapshot>? Days);

public sealed record DaySnapshot(DateOnly Date, long Checks, double? UptimePercent, double DowntimeSeconds);

public sealed record IncidentSnapshot(string MonitorPublicId, string MonitorName, string Status, string? Error, DateTimeOffset OpenedAt);

public sealed record MaintenanceSnapshot(string Name, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Active);

/// When a maintenance window is (or next will be) in effect, seen from `now`; null when it is neither active nor
/// starting within the horizon.
public static class MaintenanceOccurrence
{
    public static (DateTimeOffset Start, DateTimeOffset End)? Next(MaintenanceWindow w, DateTimeOffset now, TimeSpan horizon)
    {
        if (w.Cron is null)
        {
            if (w.StartsAt is not { } start || w.EndsAt is not { } end || end <= now || start > now + horizon)
                return null;
            return (start, end);
        }

        if (w.DurationSeconds is not { } seconds || w.TimeZone is null
            || !CronExpression.TryParse(w.Cron, out var cron)
            || !TimeZoneInfo.TryFindSystemTimeZoneById(w.TimeZone, out var zone))
            return null;
        var duration = TimeSpan.FromSeconds(seconds);
        // The first occurrence that has not ended yet: it started at most `duration` ago.
        if (cron.GetNextOccurrence(now - duration, zone) is not { } occurrence || occurrence > now + horizon)
            return null;
        return (occurrence, occurrence + duration);
    }
}

/// Fits Telemetry-Ingest's day buckets (UTC days, oldest first, the first one partial) onto the page's days, so a
/// day without data shows as such instead of shifting the bar.
public static class UptimeDays
{
    public static IReadOnlyList<DaySnapshot> Fit(IEnumerable<(DateTimeOffset Start, long Checks, double? UptimePercent, double DowntimeSeconds)> buckets,
        DateTimeOffset now, int days)
    {
        var byDate = new Dictionary<DateOnly, DaySnapshot>();
        foreach (var b in buckets)
        {
            var date = DateOnly.FromDateTime(b.Start.UtcDateTime);
            byDate[date] = new DaySnapshot(date, b.Checks, b.UptimePercent, b.DowntimeSeconds);
        }
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return Enumerable.Range(0, days)
            .Select(i => today.AddDays(i - days + 1))
            .Select(d => byDate.TryGetValue(d, out var day) ? day : new DaySnapshot(d, 0, null, 0))
            .ToList();
    }

    /// Uptime over the shown days, weighted by checks (days without checks do not count).
    public static double? Overall(IReadOnlyList<DaySnapshot> days)
    {
        var checks = days.Sum(d => d.Checks);
        if (checks == 0)
            return null;
        return days.Where(d => d.UptimePercent is not null).Sum(d => d.UptimePercent!.Value * d.Checks) / checks;
    }
}
