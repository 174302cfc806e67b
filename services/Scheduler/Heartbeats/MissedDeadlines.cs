using Microsoft.EntityFrameworkCore;
using Prometheus;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Scheduler.Heartbeats;

/// One round of the deadline loop: claim heartbeats whose deadline has passed, mark them down and publish
/// HeartbeatDeadlineMissed through the outbox, in one transaction. The rows stay locked (FOR UPDATE SKIP LOCKED)
/// until the commit, which also clears their deadline, so a second Scheduler either skips them or no longer finds
/// them: one miss is reported once.
public sealed class MissedDeadlines(SchedulerDb db, TimeProvider clock, IConfiguration configuration)
{
    static readonly Counter Missed = Metrics.CreateCounter(
        "sentinel_heartbeat_misses_total", "Missed heartbeat deadlines published (late or run timeout).");

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

        var due = await db.Heartbeats
            .FromSql($"""
                select * from scheduler.heartbeats
                where next_deadline_at <= {cutoff}
                order by next_deadline_at
                limit {maxPerRound}
                for update skip locked
                """)
            .AsNoTracking()
            .ToListAsync(ct);
        if (due.Count == 0)
            return MissRound.Empty;

        var misses = due.Select(heartbeat => heartbeat.Miss(now)).ToList();
        // Three statements per round whatever its size (claim, update, outbox), not one per heartbeat: 10,000
        // deadlines passing in the same second must all be reported within it.
        var monitorIds = due.Select(h => h.MonitorId).ToArray();
        var openRuns = due.Select(h => Heartbeat.SerializeRuns(h.OpenRuns)).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            update scheduler.heartbeats as h
            set state = {HeartbeatStates.Down}, open_runs = v.open_runs::jsonb, expected_at = null,
                next_deadline_at = null, deadline_reason = null, updated_at = {now}
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
        await tx.CommitAsync(ct);

        Missed.Inc(misses.Count);
        foreach (var miss in misses)
            Lag.Observe(Math.Max(0, (now - miss.Deadline).TotalSeconds));
        return new MissRound(misses.Count, now - misses[0].Deadline, Full: misses.Count == maxPerRound);
    }
}

/// Full: the round hit Heartbeats:MaxPerRound, so more deadlines may have passed already.
public sealed record MissRound(int Misses, TimeSpan OldestLag, bool Full)
{
    public static readonly MissRound Empty = new(0, TimeSpan.Zero, false);
}
