using MassTransit;
using Microsoft.EntityFrameworkCore;
using Prometheus;
using Sentinel.Contracts;

namespace Sentinel.Scheduler.Dispatch;

/// One dispatch round: claim the due rows, advance them, send their checks, commit. The rows stay locked
/// (FOR UPDATE SKIP LOCKED) until the commit, so a second Scheduler skips them instead of sending them again; a
/// failed send rolls the advance back and the rows are due again next round.
public sealed class CheckDispatcher(
    SchedulerDb db, ISendEndpointProvider endpoints, TimeProvider clock, IConfiguration configuration)
{
    static readonly Counter Dispatched = Metrics.CreateCounter(
        "sentinel_checks_dispatched_total", "Checks sent to the Checker.");

    static readonly Histogram Lag = Metrics.CreateHistogram(
        "sentinel_schedule_lag_seconds", "How late a check was dispatched (now - due; 0 when sent ahead within the lookahead).",
        new HistogramConfiguration { Buckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] });

    public async Task<DispatchRound> DispatchDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Checks due within the lookahead go out now and the Checker starts each at its due time, so the tick and
        // the trip through the broker do not show up as schedule lag.
        var horizon = now + TimeSpan.FromMilliseconds(Math.Max(0, configuration.GetValue("Scheduler:LookaheadMilliseconds", 1000)));
        var maxPerRound = Math.Max(1, configuration.GetValue("Scheduler:MaxPerTick", 10_000));
        var batchSize = configuration.GetValue("Scheduler:BatchSize", 50);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // 'heartbeat' (Schedule.PassiveType) is a literal, as in ix_schedules_due's filter, so the planner can use it.
        var due = await db.Schedules
            .FromSql($"""
                select * from scheduler.schedules
                where next_check_at <= {horizon} and not paused and not deleted and type <> 'heartbeat'
                order by next_check_at
                limit {maxPerRound}
                for update skip locked
                """)
            .AsNoTracking()
            .ToListAsync(ct);
        if (due.Count == 0)
            return DispatchRound.Empty;

        var monitorIds = due.Select(s => s.MonitorId).ToArray();
        var nextCheckAts = due.Select(s => DispatchPlan.Advance(s.MonitorId, s.NextCheckAt, s.IntervalSeconds, now)).ToArray();
        var dueAts = due.Select(s => s.NextCheckAt).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            update scheduler.schedules as s set next_check_at = v.next_check_at, last_due_at = v.due_at
            from unnest({monitorIds}, {nextCheckAts}, {dueAts}) as v(monitor_id, next_check_at, due_at)
            where s.monitor_id = v.monitor_id
            """, ct);

        // Monitors with locations fan out: one check per location, each to its location's queue.
        var checks = due.SelectMany(DispatchPlan.ToDueChecks).ToList();
        var sends = new List<Task>();
        var batchCount = 0;
        foreach (var queue in checks.GroupBy(c => c.Queue))
        {
            var batches = DispatchPlan.Chunk(queue.Select(c => c.Check).ToList(), batchSize);
            batchCount += batches.Count;
            var endpoint = await endpoints.GetSendEndpoint(Queues.Address(queue.Key));
            sends.AddRange(batches.Select(batch => endpoint.Send(new CheckMonitorBatch(Guid.CreateVersion7(now), now, batch), ct)));
        }
        // Confirmed by the broker before the commit: a crash in between re-sends the same CheckIds, never loses them.
        await Task.WhenAll(sends);
        await tx.CommitAsync(ct);

        Dispatched.Inc(checks.Count);
        foreach (var schedule in due)
            Lag.Observe(Math.Max(0, (now - schedule.NextCheckAt).TotalSeconds));
        return new DispatchRound(checks.Count, batchCount, now - due[0].NextCheckAt, Full: due.Count == maxPerRound);
    }
}

/// Full: the round hit Scheduler:MaxPerTick, so more rows may be due right now.
public sealed record DispatchRound(int Checks, int Batches, TimeSpan OldestLag, bool Full)
{
    public static readonly DispatchRound Empty = new(0, 0, TimeSpan.Zero, false);
}
