using Microsoft.EntityFrameworkCore;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Heartbeats;

/// Pings and missed deadlines of heartbeat monitors: keeps the runs, then hands the results to the same evaluation as
/// check results. The runs commit first and are idempotent on their own (keyed by the start ping, marked with the
/// finishing ping), so a retry after a failed evaluation finds them as they were left and yields the same results.
/// Pings of deleted, paused or non-heartbeat monitors change nothing (Telemetry still stores them); pings of monitors
/// not known yet are parked as results (ParkEarlyPingsAsync).
public sealed class HeartbeatEvaluation(AlertingDb db, ResultEvaluation evaluation)
{
    public const string HeartbeatType = "heartbeat";

    public async Task ApplyPingsAsync(IReadOnlyList<HeartbeatPing> pings, CancellationToken ct)
    {
        var monitors = await LiveHeartbeatsAsync(pings.Select(p => p.MonitorId), ct);
        await ParkEarlyPingsAsync(pings.Where(p => !monitors.ContainsKey(p.MonitorId)).ToList(), ct);
        var live = pings.Where(p => monitors.ContainsKey(p.MonitorId))
            .OrderBy(p => p.ReceivedAt).ThenBy(p => p.PingId).ToList();
        if (live.Count == 0)
            return;

        var runs = await LoadRunsAsync(live, ct);
        var results = new List<MonitorChecked>();
        foreach (var ping in live)
        {
            var change = RunTracker.Apply(runs, ping, HeartbeatResults.Microseconds(ping.ReceivedAt));
            if (change.Started is { } started)
                db.HeartbeatRuns.Add(started);
            if (HeartbeatResults.ForPing(ping, change.Finished, monitors[ping.MonitorId].Conditions) is { } result)
                results.Add(result);
        }
        await db.SaveChangesAsync(ct);
        await EvaluateAsync(await ApplySteadyAsync(results, ct), monitors, ct);
    }

    /// The common case at thousands of pings a second: success pings of a monitor that is up with nothing pending
    /// (no streak of failures, no incident, not flapping, no status changes in its flap window, no rule fired, no
    /// reminder due). For such a monitor the evaluator would only move its last result (due time, check id) and count
    /// the successes — so that is all this does, for every such monitor of the batch in one UPDATE, without the
    /// locking read, the surroundings and the state COPY of the full evaluation. The WHERE re-checks all of it on the
    /// locked row, so a monitor whose state is anything else, or that one of these results would not be newer for (a
    /// redelivery), is not touched and goes through the full evaluation with the rest. Returns those results.
    async Task<List<MonitorChecked>> ApplySteadyAsync(List<MonitorChecked> results, CancellationToken ct)
    {
        var steady = results.GroupBy(r => r.MonitorId).Where(g => g.All(r => r.Up)).OrderBy(g => g.Key).ToList();
        if (steady.Count == 0)
            return results;
        var ids = steady.Select(g => g.Key).ToArray();
        var firstDueAts = steady.Select(g => g.Min(r => r.DueAt)).ToArray();
        var last = steady.Select(g => g.MaxBy(r => r.DueAt)!).ToArray();
        var lastDueAts = last.Select(r => r.DueAt).ToArray();
        var lastCheckIds = last.Select(r => r.CheckId).ToArray();
        var counts = steady.Select(g => g.Count()).ToArray();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locked in monitor id order first, as every other writer of these rows locks them: no deadlock.
        await db.Database.ExecuteSqlAsync(
            $"select 1 from alerting.monitor_states where monitor_id = any({ids}) order by monitor_id for update", ct);
        var applied = await db.Database.SqlQuery<Guid>($"""
            update alerting.monitor_states as s
            set last_due_at = v.last_due_at, last_check_id = v.last_check_id,
                consecutive_successes = s.consecutive_successes + v.results
            from unnest({ids}, {firstDueAts}, {lastDueAts}, {lastCheckIds}, {counts})
                as v(monitor_id, first_due_at, last_due_at, last_check_id, results)
            where s.monitor_id = v.monitor_id
              and s.status = {MonitorStatuses.Up} and s.consecutive_failures = 0 and s.open_incident_id is null
              and not s.flapping and cardinality(s.change_times) = 0 and cardinality(s.fired_rule_ids) = 0
              and s.next_due_at is null and s.first_failure_at is null
              and (s.last_due_at is null or s.last_due_at < v.first_due_at)
            returning s.monitor_id as "Value"
            """).ToListAsync(ct);
        await tx.CommitAsync(ct);
        if (applied.Count == 0)
            return results;
        var done = applied.ToHashSet();
        return results.Where(r => !done.Contains(r.MonitorId)).ToList();
    }

    public async Task ApplyMissesAsync(IReadOnlyList<HeartbeatDeadlineMissed> misses, CancellationToken ct)
    {
        var monitors = await LiveHeartbeatsAsync(misses.Select(m => m.MonitorId), ct);
        var live = misses.Where(m => monitors.ContainsKey(m.MonitorId)).ToList();
        if (live.Count == 0)
            return;

        var timeouts = live.Where(m => m.Reason == HeartbeatResults.RunTimeoutReason).ToList();
        if (timeouts.Count > 0)
        {
            var ids = timeouts.Select(m => m.MonitorId).Distinct().ToArray();
            var open = await db.HeartbeatRuns.Where(r => ids.Contains(r.MonitorId) && r.Outcome == RunOutcomes.Running).ToListAsync(ct);
            foreach (var miss in timeouts.OrderBy(m => m.Deadline))
                RunTracker.TimeOut(open.Where(r => r.MonitorId == miss.MonitorId), HeartbeatResults.Microseconds(miss.Deadline),
                    monitors[miss.MonitorId].GraceSeconds ?? 0);
            await db.SaveChangesAsync(ct);
        }
        await EvaluateAsync(live.Select(HeartbeatResults.ForMiss).ToList(), monitors, ct);
    }

    /// A monitor's first pings can overtake its MonitorUpserted (a job pinging right after it was created, or the very
    /// ping that auto-provisioned it with ?create=1). Their up/down travels as a plain result, which the evaluation
    /// parks until the monitor is known; runs and duration conditions need the monitor and start from the next ping.
    async Task ParkEarlyPingsAsync(List<HeartbeatPing> pings, CancellationToken ct)
    {
        if (pings.Count == 0)
            return;
        var ids = pings.Select(p => p.MonitorId).Distinct().ToArray();
        var known = await db.Monitors.AsNoTracking().Where(m => ids.Contains(m.MonitorId)).Select(m => m.MonitorId).ToListAsync(ct);
        var early = pings.Where(p => !known.Contains(p.MonitorId))
            .Select(p => HeartbeatResults.ForPing(p, finished: null, conditions: []))
            .OfType<MonitorChecked>()
            .ToList();
        if (early.Count > 0)
            await evaluation.ApplyAsync(early, replayingParked: false, ct);
    }

    async Task<Dictionary<Guid, MonitorCopy>> LiveHeartbeatsAsync(IEnumerable<Guid> monitorIds, CancellationToken ct)
    {
        var ids = monitorIds.Distinct().ToArray();
        return await db.Monitors.AsNoTracking()
            .Where(m => ids.Contains(m.MonitorId) && m.Type == HeartbeatType && !m.Deleted && !m.Paused)
            .ToDictionaryAsync(m => m.MonitorId, ct);
    }

    /// The open runs of the pinged monitors, and the runs these very pings opened or closed before (a redelivery).
    async Task<List<HeartbeatRun>> LoadRunsAsync(List<HeartbeatPing> pings, CancellationToken ct)
    {
        var monitorIds = pings.Where(p => p.Kind != HeartbeatPingKinds.Log).Select(p => p.MonitorId).Distinct().ToArray();
        var pingIds = pings.Where(p => p.Kind != HeartbeatPingKinds.Log).Select(p => p.PingId).ToArray();
        if (monitorIds.Length == 0)
            return [];
        return await db.HeartbeatRuns
            .Where(r => (monitorIds.Contains(r.MonitorId) && r.Outcome == RunOutcomes.Running)
                || pingIds.Contains(r.Id)
                || (r.FinishPingId != null && pingIds.Contains(r.FinishPingId.Value)))
            .ToListAsync(ct);
    }

    /// Manual-resume heartbeats ignore success pings while down. Whether a result finds the monitor down depends on
    /// the results before it, so such a monitor's results are evaluated up to its first failure, then the rest
    /// against the state that left (usually all in one round: failures are rare).
    async Task EvaluateAsync(List<MonitorChecked> results, Dictionary<Guid, MonitorCopy> monitors, CancellationToken ct)
    {
        var pending = results.OrderBy(r => r.DueAt).ToList();
        while (pending.Count > 0)
        {
            var manual = pending.Select(r => r.MonitorId).Distinct().Where(id => monitors[id].ManualResume).ToArray();
            var states = manual.Length == 0
                ? []
                : await db.States.AsNoTracking().Where(s => manual.Contains(s.MonitorId)).ToDictionaryAsync(s => s.MonitorId, ct);

            var round = new List<MonitorChecked>();
            var later = new List<MonitorChecked>();
            var failedInRound = new HashSet<Guid>();
            foreach (var result in pending)
            {
                var monitor = monitors[result.MonitorId];
                if (!monitor.ManualResume)
                    round.Add(result);
                else if (failedInRound.Contains(result.MonitorId))
                    later.Add(result);
                else if (result.Up && HeartbeatResults.HeldDown(monitor, states.GetValueOrDefault(result.MonitorId)))
                    continue;
                else
                {
                    round.Add(result);
                    if (!result.Up)
                        failedInRound.Add(result.MonitorId);
                }
            }
            if (round.Count > 0)
                await evaluation.ApplyAsync(round, replayingParked: false, ct);
            pending = later;
        }
    }
}
