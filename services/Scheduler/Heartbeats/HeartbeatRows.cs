using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Sentinel.Contracts;
using Sentinel.Scheduler.Schedules;

namespace Sentinel.Scheduler.Heartbeats;

static class HeartbeatRows
{
    /// Locked rows by monitor id, taken in id order so two batches sharing monitors never deadlock.
    public static async Task<Dictionary<Guid, Heartbeat>> LockAsync(this DbSet<Heartbeat> heartbeats, Guid[] monitorIds, CancellationToken ct)
    {
        var rows = await heartbeats
            .FromSql($"select * from scheduler.heartbeats where monitor_id = any({monitorIds}) order by monitor_id for update")
            .ToListAsync(ct);
        return rows.ToDictionary(h => h.MonitorId);
    }

    /// The same rows, untracked and read without EF, for a batch of pings (in the caller's transaction): they are
    /// written back by SavePingsAsync in one statement.
    public static async Task<Dictionary<Guid, Heartbeat>> LockForPingsAsync(this SchedulerDb db, Guid[] monitorIds, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var read = new NpgsqlCommand(
            $"select {Heartbeat.PingColumns} from scheduler.heartbeats where monitor_id = any($1) order by monitor_id for update",
            connection, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction())
        {
            Parameters = { new NpgsqlParameter { Value = monitorIds } },
        };
        var rows = new Dictionary<Guid, Heartbeat>(monitorIds.Length);
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var heartbeat = Heartbeat.FromRow(reader);
            rows[heartbeat.MonitorId] = heartbeat;
        }
        return rows;
    }

    /// Writes back what pings change, for the whole batch in one UPDATE (not one per heartbeat: pings arrive by
    /// the thousand per second). The true deadline is written as computed; the indexed wake-up time only when it
    /// must move: it stays when it is already at or before the new deadline (the common case, a success pushing the
    /// deadline later), so no indexed value changes and PostgreSQL can update the row HOT. It is decided here against
    /// the row as stored (locked by LockForPingsAsync), not taken from the entity, so it is right whatever wrote the
    /// row last.
    public static async Task SavePingsAsync(this SchedulerDb db, IReadOnlyCollection<Heartbeat> changed, CancellationToken ct)
    {
        var monitorIds = changed.Select(h => h.MonitorId).ToArray();
        var states = changed.Select(h => h.State).ToArray();
        var lastPingAts = changed.Select(h => h.LastPingAt).ToArray();
        var lastPingIds = changed.Select(h => h.LastPingId).ToArray();
        var lastPingKinds = changed.Select(h => h.LastPingKind).ToArray();
        var lastSuccessAts = changed.Select(h => h.LastSuccessAt).ToArray();
        var expectedAts = changed.Select(h => h.ExpectedAt).ToArray();
        var openRuns = changed.Select(h => Heartbeat.SerializeRuns(h.OpenRuns)).ToArray();
        var deadlines = changed.Select(h => h.NextDeadlineAt).ToArray();
        var reasons = changed.Select(h => h.DeadlineReason).ToArray();
        var updatedAts = changed.Select(h => h.UpdatedAt).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            update scheduler.heartbeats as h
            set state = v.state, last_ping_at = v.last_ping_at, last_ping_id = v.last_ping_id,
                last_ping_kind = v.last_ping_kind, last_success_at = v.last_success_at, expected_at = v.expected_at,
                open_runs = v.open_runs::jsonb, deadline_at = v.deadline_at,
                wake_at = case
                    when v.deadline_at is null then null
                    when h.wake_at is not null and h.wake_at <= v.deadline_at then h.wake_at
                    else v.deadline_at
                end,
                deadline_reason = v.deadline_reason, updated_at = v.updated_at
            from unnest({monitorIds}, {states}, {lastPingAts}, {lastPingIds}, {lastPingKinds}, {lastSuccessAts},
                        {expectedAts}, {openRuns}, {deadlines}, {reasons}, {updatedAts})
                as v(monitor_id, state, last_ping_at, last_ping_id, last_ping_kind, last_success_at, expected_at,
                     open_runs, deadline_at, deadline_reason, updated_at)
            where h.monitor_id = v.monitor_id
            """, ct);
    }

    /// Follows a monitor upsert the Schedules consumer has accepted (newer, not deleted; its schedule row is locked):
    /// a heartbeat monitor gets or updates its row, any other type (a type change included) loses it.
    public static async Task ApplyAsync(this SchedulerDb db, MonitorUpserted monitor, DateTimeOffset now, CancellationToken ct)
    {
        var heartbeat = (await db.Heartbeats.LockAsync([monitor.MonitorId], ct)).GetValueOrDefault(monitor.MonitorId);
        if (monitor.Type == Schedule.PassiveType && monitor.Check?.Heartbeat is { } spec)
        {
            if (heartbeat is null)
            {
                var created = Heartbeat.Create(monitor, spec, now);
                foreach (var ping in await db.TakeAsync(monitor.MonitorId, monitor.TenantId, ct))
                    created.Apply(ping, now);
                db.Heartbeats.Add(created);
            }
            else
                heartbeat.Apply(monitor, spec, now);
        }
        else if (heartbeat is not null)
            db.Heartbeats.Remove(heartbeat);
    }

    public static async Task RemoveAsync(this SchedulerDb db, Guid monitorId, CancellationToken ct)
    {
        if ((await db.Heartbeats.LockAsync([monitorId], ct)).GetValueOrDefault(monitorId) is { } heartbeat)
            db.Heartbeats.Remove(heartbeat);
    }
}
