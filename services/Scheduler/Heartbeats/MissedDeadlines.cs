using Microsoft.EntityFrameworkCore;
using Prometheus;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Scheduler.Heartbeats;

/// One round of the deadline loop: claim heartbeats whose wake-up time has passed; those whose true deadline has
/// passed too are marked down and HeartbeatDeadlineMissed is published through the outbox; the others were pinged
/// since their wake-up time was set (it is lazy, see Heartbeat.WakeAt) and only get it moved up to their deadline.
/// All in one transaction. The rows stay locked (FOR UPDATE SKIP LOCKED) until the commit, which also clears or moves
/// their wake-up time, so a second Scheduler either skips them or no longer finds them: one miss is reported once.
public sealed class MissedDeadlines(SchedulerDb db, TimeProvider clock, IConfiguration configuration)
{
    static readonly Counter Missed = Metrics.CreateCounter(
        "sentinel_heartbeat_misses_total", "Missed heartbeat deadlines published (late or run timeout).");

    static readonly Counter Rescheduled = Metrics.CreateCounter(
        "sentinel_heartbeat_wakeups_rescheduled_total",
        "Heartbeats woken before their deadline (pinged since the wake-up was set) and given a new wake-up time.");

    static readonly Histogram Lag = Metrics.CreateHistogram(
        "sentinel_heartbeat_miss_lag_seconds", "Heartbeat deadline → the miss detected and committed.",
        new HistogramConfiguration { Buckets = [0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 30, 60] });

    public async Task<MissRound> ReportMissedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // A ping received just before its deadline may still be on its way through the broker: give it this long
        // to land before calling the deadline missed.
        var cutoff = now - TimeSpan.FromMilliseconds(Math.Max(0, configuration.GetValue("Heartbeats:SettleMilliseconds", 200)));
        var maxPerRound = Math.Max(1, configuration.GetValue("Heartbeats:MaxPerRound", 1000));
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // wake_at <= deadline_at always holds, so every passed deadline is among the passed wake-up times.
        var claimed = await db.Heartbeats
            .FromSql($"""
                select * from scheduler.heartbeats
                where wake_at <= {cutoff}
                order by wake_at
                limit {maxPerRound}
                for update skip locked
                """)
            .AsNoTracking()
            .ToListAsync(ct);
        if (claimed.Count == 0)
            return MissRound.Empty;

        var byMissed = claimed.ToLookup(h => h.NextDeadlineAt is { } deadline && HeartbeatDeadlines.IsMissed(deadline, cutoff));
        var due = byMissed[true].ToList();
        var notYet = byMissed[false].Select(h => h.MonitorId).ToArray();
        // At most four statements per round whatever its size (claim, reschedule, update, outbox), not one per
        // heartbeat: 10,000 deadlines passing in the same second must all be reported within it.
        if (notYet.Length > 0)
            await db.Database.ExecuteSqlAsync($"""
                update scheduler.heartbeats as h
                set wake_at = h.deadline_at
                from unnest({notYet}) as v(monitor_id)
                where h.monitor_id = v.monitor_id
                """, ct);

        var misses = due.Select(heartbeat => heartbeat.Miss(now)).ToList();
        if (misses.Count > 0)
        {
            var monitorIds = due.Select(h => h.MonitorId).ToArray();
            var openRuns = due.Select(h => Heartbeat.SerializeRuns(h.OpenRuns)).ToArray();
            await db.Database.ExecuteSqlAsync($"""
                update scheduler.heartbeats as h
                set state = {HeartbeatStates.Down}, open_runs = v.open_runs::jsonb, expected_at = null,
                    deadline_at = null, deadline_reason = null, wake_at = null, updated_at = {now}
                from unnest({monitorIds}, {openRuns}) as v(monitor_id, open_runs)
                where h.monitor_id = v.monitor_id
                """, ct);
            var outbox = misses.Select(miss => OutboxMessage.Publish(miss, now)).ToList();
            var messageIds = outbox.Select(m => m.MessageId).ToArray();
            var messageTypes = outbox.Select(m => m.MessageType).ToArray();
            var bodies = outbox.Select(m => m.Body).ToArray();
            await db.Database.ExecuteSqlAsync($"""
                insert into scheduler.outbox (message_id, message_type, body, created_at)
                select v.message_id, v.message_type, v.body::jsonb, {now}
                from unnest({messageIds}, {messageTypes}, {bodies}) with ordinality as v(message_id, message_type, body, n)
                order by v.n
                """, ct);
        }
        await tx.CommitAsync(ct);

        Missed.Inc(misses.Count);
        Rescheduled.Inc(notYet.Length);
        foreach (var miss in misses)
            Lag.Observe(Math.Max(0, (now - miss.Deadline).TotalSeconds));
        var oldestLag = misses.Count > 0 ? misses.Max(miss => now - miss.Deadline) : TimeSpan.Zero;
        return new MissRound(misses.Count, notYet.Length, oldestLag, Full: claimed.Count == maxPerRound);
    }
}

/// Rescheduled: heartbeats woken before their deadline and given a new wake-up time, no miss. Full: the round hit
/// Heartbeats:MaxPerRound, so more wake-up times may have passed already.
public sealed record MissRound(int Misses, int Rescheduled, TimeSpan OldestLag, bool Full)
{
    public static readonly MissRound Empty = new(0, 0, TimeSpan.Zero, false);
}
