using Sentinel.Contracts;
using Sentinel.Scheduler.Schedules;

namespace Sentinel.Scheduler.Dispatch;

/// The dispatcher's decisions, free of I/O.
public static class DispatchPlan
{
    /// The next due time after dispatching the check due at dueAt. It stays on the monitor's rhythm; if even the
    /// next slot has already passed (the Scheduler was down or behind), it restarts from now, so missed checks
    /// are skipped rather than fired in a burst.
    public static DateTimeOffset Advance(DateTimeOffset dueAt, int intervalSeconds, DateTimeOffset now)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, intervalSeconds));
        var next = dueAt + interval;
        return next > now ? next : now + interval;
    }

    /// Consecutive batches of at most batchSize checks, in the given order.
    public static IReadOnlyList<IReadOnlyList<T>> Chunk<T>(IReadOnlyList<T> items, int batchSize) =>
        items.Chunk(Math.Max(1, batchSize)).Select(IReadOnlyList<T> (chunk) => chunk).ToList();

    /// CheckId depends only on (monitor, due time), so a re-sent check keeps its identity.
    public static DueCheck ToDueCheck(Schedule schedule) =>
        new(
            DeterministicGuid.ForCheck(schedule.MonitorId, schedule.NextCheckAt),
            schedule.MonitorId,
            schedule.TenantId,
            schedule.Type,
            schedule.NextCheckAt,
            schedule.TimeoutSeconds,
            schedule.Spec);
}
