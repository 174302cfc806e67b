using Sentinel.Contracts;
using Sentinel.Scheduler.Schedules;

namespace Sentinel.Scheduler.Dispatch;

/// The dispatcher's decisions, free of I/O.
public static class DispatchPlan
{
    /// The next due time after dispatching the check due at dueAt: the monitor's next grid slot (see Spread) at least
    /// half an interval on. On time, that is exactly dueAt + interval. If even that slot has passed (the Scheduler
    /// was down or behind), missed checks are skipped, not fired in a burst: the next slot half an interval after now.
    public static DateTimeOffset Advance(Guid monitorId, DateTimeOffset dueAt, int intervalSeconds, DateTimeOffset now)
    {
        var half = Spread.HalfInterval(intervalSeconds);
        var next = Spread.NextSlot(monitorId, intervalSeconds, dueAt + half);
        return next > now ? next : Spread.NextSlot(monitorId, intervalSeconds, now + half);
    }

    /// Consecutive batches of at most batchSize checks, in the given order.
    public static IReadOnlyList<IReadOnlyList<T>> Chunk<T>(IReadOnlyList<T> items, int batchSize) =>
        items.Chunk(Math.Max(1, batchSize)).Select(IReadOnlyList<T> (chunk) => chunk).ToList();

    /// The checks of one due time and the queue each goes to: one on the shared queue, or — for a monitor with
    /// locations — one per location on that location's queue, all with the same due time and round id.
    public static IEnumerable<(string Queue, DueCheck Check)> ToDueChecks(Schedule schedule)
    {
        if (schedule.Locations.Count == 0)
        {
            yield return (Queues.CheckMonitorBatch, ToDueCheck(schedule));
            yield break;
        }
        var round = DeterministicGuid.ForRound(schedule.MonitorId, schedule.NextCheckAt);
        foreach (var location in schedule.Locations)
            yield return (Queues.CheckMonitorBatchFor(location), ToDueCheck(schedule) with
            {
                CheckId = DeterministicGuid.ForCheck(schedule.MonitorId, schedule.NextCheckAt, location),
                Location = location,
                RoundId = round,
            });
    }

    /// CheckId depends only on (monitor, due time), so a re-sent check keeps its identity.
    public static DueCheck ToDueCheck(Schedule schedule) =>
        new(
            DeterministicGuid.ForCheck(schedule.MonitorId, schedule.NextCheckAt),
            schedule.MonitorId,
            schedule.TenantId,
            schedule.Type,
            schedule.NextCheckAt,
            schedule.TimeoutSeconds,
            schedule.Spec,
            schedule.Check);
}
