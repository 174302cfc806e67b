using Microsoft.EntityFrameworkCore;

namespace Sentinel.Scheduler.Schedules;

static class ScheduleRows
{
    /// The row locked for this transaction, so two events for one monitor (or an event and the dispatcher's
    /// advance) never overwrite each other's changes. Two inserts of a new monitor collide on the key instead;
    /// the loser is retried and then finds the row.
    public static async Task<Schedule?> LockAsync(this SchedulerDb db, Guid monitorId, CancellationToken ct)
    {
        var rows = await db.Schedules
            .FromSql($"select * from scheduler.schedules where monitor_id = {monitorId} for update")
            .ToListAsync(ct);
        return rows.SingleOrDefault();
    }
}
