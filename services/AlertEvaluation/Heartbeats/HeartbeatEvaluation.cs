using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
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
        pings = await ApplySteadyPingsAsync(pings, ct);
        if (pings.Count == 0)
            return;
        // One read decides both: a monitor whose copy commits between two reads would otherwise be taken for
        // unknown by the first and known by the second, its ping neither evaluated nor parked.
        var copies = await CopiesAsync(pings.Select(p => p.MonitorId), ct);
        var monitors = copies.Values.Where(IsLiveHeartbeat).ToDictionary(m => m.MonitorId);
        await ParkEarlyPingsAsync(pings.Where(p => !copies.ContainsKey(p.MonitorId)).ToList(), ct);
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

    /// Before anything is loaded: a monitor whose pings in this batch are all plain successes (no start, fail or log)
    /// and that has no open run is exactly the steady case below, whatever its copy says beyond live-heartbeat (a
    /// monitor's conditions are evaluated only when a run finishes). Such pings skip loading monitor copies and runs
    /// and creating results one by one: ApplySteadyAsync checks the rest on the locked rows. Returns the pings of every
    /// other monitor, for the full way.
    async Task<IReadOnlyList<HeartbeatPing>> ApplySteadyPingsAsync(IReadOnlyList<HeartbeatPing> pings, CancellationToken ct)
    {
        var candidates = new List<MonitorChecked>(pings.Count);
        var mixed = new HashSet<Guid>();
        foreach (var ping in pings)
        {
            if (ping.Kind != HeartbeatPingKinds.Success)
                mixed.Add(ping.MonitorId);
        }
        foreach (var ping in pings)
        {
            if (!mixed.Contains(ping.MonitorId))
                candidates.Add(HeartbeatResults.ForPing(ping, finished: null, conditions: [])!);
        }
        if (candidates.Count == 0)
            return pings;
        var left = await ApplySteadyAsync(candidates, ct);
        if (left.Count == candidates.Count)
            return pings;
        var done = candidates.Select(r => r.MonitorId).Except(left.Select(r => r.MonitorId)).ToHashSet();
        return pings.Where(p => !done.Contains(p.MonitorId)).ToList();
    }

    /// The common case at thousands of pings a second: success pings of a monitor that is up with nothing pending
    /// (no streak of failures, no incident, not flapping, no status changes in its flap window, no rule fired, no
    /// reminder due). For such a monitor the evaluator would only move its last result (due time, check id) and count
    /// the successes — so that is all this does, for every such monitor of the batch in one locking read and one
    /// UPDATE, without the surroundings, the evaluator and the state COPY of the full evaluation. The read checks all
    /// of it on the locked rows, and that the monitor is a live (not deleted, not paused) heartbeat with no open run
    /// (a success then finishes a run, which the full way records); a monitor in any other state, or that one of these
    /// results would not be newer for (a redelivery), is left alone and goes through the full evaluation with the
    /// rest. Returns those results.
    async Task<List<MonitorChecked>> ApplySteadyAsync(List<MonitorChecked> results, CancellationToken ct)
    {
        var groups = results.GroupBy(r => r.MonitorId).Where(g => g.All(r => r.Up)).ToDictionary(g => g.Key, g => g.ToList());
        if (groups.Count == 0)
            return results;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction)tx.GetDbTransaction();
        var steady = new List<(Guid Id, List<MonitorChecked> Results)>();
        // Locked in monitor id order, as every other writer of these rows locks them: no deadlock.
        await using (var read = new NpgsqlCommand("""
            select s.monitor_id, s.last_due_at from alerting.monitor_states s
            where s.monitor_id = any($1) and s.status = $2 and s.consecutive_failures = 0 and s.open_incident_id is null
              and not s.flapping and cardinality(s.change_times) = 0 and cardinality(s.fired_rule_ids) = 0
              and s.next_due_at is null and s.first_failure_at is null
              and exists (select from alerting.monitors m
                          where m.monitor_id = s.monitor_id and m.type = $3 and not m.deleted and not m.paused)
              and not exists (select from alerting.heartbeat_runs r where r.monitor_id = s.monitor_id and r.outcome = $4)
            order by s.monitor_id for update of s
            """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = groups.Keys.ToArray() });
            read.Parameters.Add(new NpgsqlParameter { Value = MonitorStatuses.Up });
            read.Parameters.Add(new NpgsqlParameter { Value = HeartbeatType });
            read.Parameters.Add(new NpgsqlParameter { Value = RunOutcomes.Running });
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetGuid(0);
                DateTimeOffset? lastDueAt = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
                var group = groups[id];
                if (lastDueAt is null || group.All(r => r.DueAt > lastDueAt))
                    steady.Add((id, group));
            }
        }
        if (steady.Count > 0)
        {
            var last = steady.Select(s => s.Results.MaxBy(r => r.DueAt)!).ToArray();
            // Joined on the key alone, so the planner looks each row up by it.
            await using var update = new NpgsqlCommand("""
                update alerting.monitor_states as s
                set last_due_at = v.last_due_at, last_check_id = v.last_check_id,
                    consecutive_successes = s.consecutive_successes + v.results
                from unnest($1, $2, $3, $4) as v(monitor_id, last_due_at, last_check_id, results)
                where s.monitor_id = v.monitor_id
                """, connection, transaction);
            update.Parameters.Add(new NpgsqlParameter { Value = steady.Select(s => s.Id).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = last.Select(r => r.DueAt).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = last.Select(r => r.CheckId).ToArray() });
            // A ping twice in the batch (a redelivery) counts once, as the evaluator skips a result not newer than the last.
            update.Parameters.Add(new NpgsqlParameter { Value = steady.Select(s => s.Results.Select(r => r.DueAt).Distinct().Count()).ToArray() });
            await update.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (steady.Count == 0)
            return results;
        var done = steady.Select(s => s.Id).ToHashSet();
        return results.Where(r => !done.Contains(r.MonitorId)).ToList();
    }

    public async Task ApplyMissesAsync(IReadOnlyList<HeartbeatDeadlineMissed> misses, CancellationToken ct)
    {
        var monitors = (await CopiesAsync(misses.Select(m => m.MonitorId), ct)).Values.Where(IsLiveHeartbeat)
            .ToDictionary(m => m.MonitorId);
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
    /// The caller passes only pings of monitors it has no copy of.
    async Task ParkEarlyPingsAsync(List<HeartbeatPing> pings, CancellationToken ct)
    {
        var early = pings
            .Select(p => HeartbeatResults.ForPing(p, finished: null, conditions: []))
            .OfType<MonitorChecked>()
            .ToList();
        if (early.Count > 0)
            await evaluation.ApplyAsync(early, replayingParked: false, ct);
    }

    async Task<Dictionary<Guid, MonitorCopy>> CopiesAsync(IEnumerable<Guid> monitorIds, CancellationToken ct)
    {
        var ids = monitorIds.Distinct().ToArray();
        return await db.Monitors.AsNoTracking().Where(m => ids.Contains(m.MonitorId)).ToDictionaryAsync(m => m.MonitorId, ct);
    }

    static bool IsLiveHeartbeat(MonitorCopy monitor) => monitor.Type == HeartbeatType && !monitor.Deleted && !monitor.Paused;

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
