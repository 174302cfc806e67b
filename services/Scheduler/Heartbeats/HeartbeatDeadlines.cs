using Cronos;
using Sentinel.Contracts;

namespace Sentinel.Scheduler.Heartbeats;

/// When a heartbeat expects its next ping, as Healthchecks.io computes it. Free of I/O and of the clock.
public static class HeartbeatDeadlines
{
    public const string Late = "late";
    public const string RunTimeout = "run-timeout";

    /// The next expected ping after a success at `after`: after + period, or the schedule's next occurrence strictly
    /// after it in the monitor's IANA time zone (Cronos handles DST: a slot skipped by spring-forward runs at the
    /// transition, a slot repeated by fall-back runs once). Null when the spec names no usable period or schedule
    /// (the Gateway validates both; an unusable one must not take the whole batch down with it).
    public static DateTimeOffset? NextExpected(HeartbeatTiming timing, DateTimeOffset after)
    {
        if (timing.PeriodSeconds is > 0 and var period)
            return after + TimeSpan.FromSeconds(period);
        if (string.IsNullOrWhiteSpace(timing.Schedule)
            || !CronExpression.TryParse(timing.Schedule, CronFormat.Standard, out var cron)
            || !TimeZoneInfo.TryFindSystemTimeZoneById(timing.TimeZone ?? "UTC", out var zone))
            return null;
        return cron.GetNextOccurrence(after, zone)?.ToUniversalTime();
    }

    /// The deadline is the earlier of the next expected ping and the oldest run in progress, plus grace; its reason
    /// says which of the two it is (a run that has not finished by start + grace has timed out).
    public static (DateTimeOffset At, string Reason)? Deadline(
        DateTimeOffset? expectedAt, IEnumerable<OpenRun> openRuns, int graceSeconds)
    {
        var grace = TimeSpan.FromSeconds(Math.Max(0, graceSeconds));
        DateTimeOffset? oldestStart = openRuns.Select(r => (DateTimeOffset?)r.StartedAt).Min();
        if (oldestStart is { } start && (expectedAt is null || start <= expectedAt))
            return (start + grace, RunTimeout);
        if (expectedAt is { } expected)
            return (expected + grace, Late);
        return null;
    }

    /// The deadline loop's next look at a heartbeat whose deadline is now `deadline`: the current wake-up time while
    /// it is not later than the deadline (unchanged, so the row's UPDATE can be HOT), else the deadline itself; none
    /// without a deadline. HeartbeatRows.SavePingsAsync does the same in SQL against the locked row.
    public static DateTimeOffset? WakeAt(DateTimeOffset? current, DateTimeOffset? deadline) =>
        deadline is null ? null
        : current is { } wake && wake <= deadline ? wake
        : deadline;

    /// Late from the deadline itself on: a ping at the deadline's last tick before it is in time.
    public static bool IsMissed(DateTimeOffset deadline, DateTimeOffset now) => deadline <= now;

    /// PostgreSQL keeps microseconds; a ping time is cut to them before it is compared or stored, so a redelivered
    /// ping compares equal to the stored one instead of looking 0.1-0.9 µs newer.
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % 10));
    }
}

/// The timing part of a heartbeat's spec.
public sealed record HeartbeatTiming(int? PeriodSeconds, string? Schedule, string? TimeZone, int GraceSeconds)
{
    public static HeartbeatTiming From(HeartbeatCheckSpec spec) =>
        new(spec.PeriodSeconds, spec.Schedule, spec.TimeZone, spec.GraceSeconds);
}

/// A run in progress: started by a `/start` ping, paired with its finish by RunId (`?rid=`); RunId null is the one
/// anonymous run (a second start without rid restarts it).
public sealed record OpenRun(Guid? RunId, DateTimeOffset StartedAt);
