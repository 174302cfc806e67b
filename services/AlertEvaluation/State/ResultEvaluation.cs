using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sentinel.AlertEvaluation.Incidents;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.RateLimiting;
using Sentinel.AlertEvaluation.Rounds;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.AlertEvaluation.State;

/// Evaluates a batch of results in one transaction: lock the monitors' state rows (in monitor id order, so two
/// evaluators never deadlock and never evaluate one monitor at the same time), apply each monitor's results in due
/// order, dispatch the alerts, and commit state, incidents, history and outbox together.
public sealed class ResultEvaluation(
    AlertingDb db, AlertDispatcher dispatcher, RoundTracker rounds, TimeProvider clock, ILogger<ResultEvaluation> log)
{
    /// expiredRounds: rounds of multi-location monitors the alert clock found past their timeout, closed here.
    public async Task ApplyAsync(
        IReadOnlyList<MonitorChecked> results, bool replayingParked, CancellationToken ct, IReadOnlyList<ExpiredRound>? expiredRounds = null)
    {
        var now = clock.GetUtcNow();
        expiredRounds ??= [];
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ids = results.Select(r => r.MonitorId).Concat(expiredRounds.Select(r => r.MonitorId)).Distinct().ToArray();
        var monitors = await db.Monitors.AsNoTracking().Where(m => ids.Contains(m.MonitorId)).ToDictionaryAsync(m => m.MonitorId, ct);

        // Unknown results change nothing, and a location's result means nothing outside its round: neither is parked.
        if (!replayingParked)
            foreach (var unknown in results.Where(r => !monitors.ContainsKey(r.MonitorId) && !r.Unknown && r.RoundId is null))
                await ParkAsync(unknown, now, ct);

        var live = monitors.Values.Where(m => !m.Deleted && !m.Paused).Select(m => m.MonitorId).Order().ToArray();
        var states = await LockStatesAsync(db, live, ct, tracked: false);
        if (states.Count < live.Length)
        {
            var missing = live.Where(id => !states.ContainsKey(id)).ToArray();
            await db.Database.ExecuteSqlAsync($$"""
                insert into alerting.monitor_states (monitor_id, tenant_id, status, consecutive_failures, consecutive_successes, flapping)
                select m.monitor_id, m.tenant_id, 'new', 0, 0, false from alerting.monitors m
                where m.monitor_id = any({{missing}}) order by m.monitor_id
                on conflict (monitor_id) do nothing
                """, ct);
            foreach (var (id, state) in await LockStatesAsync(db, missing, ct, tracked: false))
                states[id] = state;
        }

        // A multi-location monitor's results count per round (k of n, see Rounds/); what the state machine sees is
        // one result per decided round. Unknown results of other monitors are dropped here (they never flip state).
        bool InRound(MonitorChecked r) => r.RoundId is not null && monitors.TryGetValue(r.MonitorId, out var m) && m.Locations.Count > 0;
        var toEvaluate = results.Where(r => !InRound(r) && !r.Unknown).ToList();
        var roundResults = results.Where(r => InRound(r) && states.ContainsKey(r.MonitorId)).ToList();
        if (roundResults.Count > 0 || expiredRounds.Count > 0)
            toEvaluate.AddRange(await rounds.RecordAsync(
                roundResults, monitors, states.Keys.ToHashSet(), expiredRounds.Select(r => r.RoundId).ToList(), now, ct));

        var openIds = states.Values.Where(s => s.OpenIncidentId is not null).Select(s => s.OpenIncidentId!.Value).ToArray();
        var incidents = openIds.Length == 0 ? [] : await db.Incidents.Where(i => openIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var around = await Neighbourhood.LoadAsync(db, live.Select(id => monitors[id]).ToList(), ct);

        // Alerts of monitors with one result in the batch are rate-limited together at the end: one Redis round trip
        // for the batch instead of one per alert (a thousand deadlines missed at once are a thousand alerts).
        var deferred = new List<Alert>();
        foreach (var group in toEvaluate.Where(r => states.ContainsKey(r.MonitorId)).GroupBy(r => r.MonitorId))
        {
            var single = group.Count() == 1;
            var monitor = monitors[group.Key];
            var state = states[group.Key];
            var incident = state.OpenIncidentId is { } openId ? incidents.GetValueOrDefault(openId) : null;
            var step = 0;
            foreach (var result in group.OrderBy(r => r.DueAt))
            {
                // A monitor's results in one transaction are evaluated 1 µs apart: the status changes they cause then
                // carry distinct, increasing ChangedAt, and a consumer that keeps the newest (the Gateway's copy) ends
                // at the last one whatever order the outbox delivers them in.
                var at = now.AddTicks(step++ * TimeSpan.TicksPerMicrosecond);
                var evaluation = Evaluator.Apply(state, monitor, incident, around.For(monitor, states, at), result, at);
                if (evaluation.Opened is { } opened)
                {
                    db.Incidents.Add(opened);
                    incident = opened;
                    log.LogWarning("Monitor {MonitorId} ({MonitorName}) went down: {Error}; incident {IncidentId}",
                        monitor.MonitorId, monitor.Name, result.Error, opened.Id);
                }
                if (evaluation.Resolved is { } resolved)
                {
                    incident = null;
                    log.LogInformation("Monitor {MonitorId} ({MonitorName}) recovered; incident {IncidentId} resolved",
                        monitor.MonitorId, monitor.Name, resolved.Id);
                }
                // A monitor with more results is dispatched at once, not at the end of the batch: the dispatcher
                // records which channels heard of the incident, and a recovery later in the same batch notifies
                // exactly those.
                var alerts = single ? deferred : [];
                Collect(db, evaluation, alerts, at);
                if (!single && alerts.Count > 0)
                    await dispatcher.DispatchAsync(alerts, at, ct);
            }
        }
        if (deferred.Count > 0)
            await dispatcher.DispatchAsync(deferred, now, ct);

        if (replayingParked)
        {
            var checkIds = results.Select(r => r.CheckId).ToArray();
            await db.PendingResults.Where(p => checkIds.Contains(p.CheckId)).ExecuteDeleteAsync(ct);
        }
        await WriteStatesAsync(states.Values, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// Every state of the batch changed (at least its last due time): one UPDATE … FROM unnest(…) instead of one UPDATE
    /// per monitor. The rows are locked by this transaction, so no version check. The two per-row arrays travel flat,
    /// each row taking its slice by offset and length (unnest cannot carry an array of arrays). Not a temporary table:
    /// the connection pool's reset drops it, and re-creating it on most batches was catalog churn that every backend
    /// of the database had to absorb.
    async Task WriteStatesAsync(IReadOnlyCollection<MonitorState> states, CancellationToken ct)
    {
        if (states.Count == 0)
            return;
        var changeOffsets = new int[states.Count];
        var ruleOffsets = new int[states.Count];
        var changeTimes = new List<DateTimeOffset>();
        var ruleIds = new List<Guid>();
        var i = 0;
        foreach (var state in states)
        {
            changeOffsets[i] = changeTimes.Count;
            ruleOffsets[i++] = ruleIds.Count;
            changeTimes.AddRange(state.ChangeTimes.Select(t => t.ToUniversalTime()));
            ruleIds.AddRange(state.FiredRuleIds);
        }
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var update = new NpgsqlCommand("""
            update alerting.monitor_states s set
              status = v.status, consecutive_failures = v.consecutive_failures, consecutive_successes = v.consecutive_successes,
              last_due_at = v.last_due_at, last_check_id = v.last_check_id, first_failure_at = v.first_failure_at,
              last_error = v.last_error, open_incident_id = v.open_incident_id, status_changed_at = v.status_changed_at,
              change_times = $15[v.change_offset + 1 : v.change_offset + v.change_count],
              flapping = v.flapping,
              fired_rule_ids = $16[v.rule_offset + 1 : v.rule_offset + v.rule_count],
              next_due_at = v.next_due_at
            from unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $17, $18) as v(
              monitor_id, status, consecutive_failures, consecutive_successes, last_due_at, last_check_id, first_failure_at,
              last_error, open_incident_id, status_changed_at, change_offset, change_count, flapping, next_due_at,
              rule_offset, rule_count)
            where s.monitor_id = v.monitor_id
            """, connection);
        void Add<T>(T value) => update.Parameters.Add(new NpgsqlParameter { Value = value });
        Add(states.Select(s => s.MonitorId).ToArray());
        Add(states.Select(s => s.Status).ToArray());
        Add(states.Select(s => s.ConsecutiveFailures).ToArray());
        Add(states.Select(s => s.ConsecutiveSuccesses).ToArray());
        Add(states.Select(s => s.LastDueAt?.ToUniversalTime()).ToArray());
        Add(states.Select(s => s.LastCheckId).ToArray());
        Add(states.Select(s => s.FirstFailureAt?.ToUniversalTime()).ToArray());
        Add(states.Select(s => s.LastError).ToArray());
        Add(states.Select(s => s.OpenIncidentId).ToArray());
        Add(states.Select(s => s.StatusChangedAt?.ToUniversalTime()).ToArray());
        Add(changeOffsets);
        Add(states.Select(s => s.ChangeTimes.Count).ToArray());
        Add(states.Select(s => s.Flapping).ToArray());
        Add(states.Select(s => s.NextDueAt?.ToUniversalTime()).ToArray());
        Add(changeTimes.ToArray());
        Add(ruleIds.ToArray());
        Add(ruleOffsets);
        Add(states.Select(s => s.FiredRuleIds.Count).ToArray());
        await update.ExecuteNonQueryAsync(ct);
    }

    /// The monitor's catalog event travels on another queue and may still be on its way: keep the result (once, however
    /// often it is redelivered) for the alert clock to evaluate when the monitor is known.
    Task ParkAsync(MonitorChecked r, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            insert into alerting.pending_results (check_id, monitor_id, tenant_id, up, status_code, latency_ms, error, due_at, checked_at, parked_at)
            values ({r.CheckId}, {r.MonitorId}, {r.TenantId}, {r.Up}, {r.StatusCode}, {r.LatencyMs}, {r.Error}, {r.DueAt}, {r.CheckedAt}, {now})
            on conflict (check_id) do nothing
            """, ct);

    internal static async Task<Dictionary<Guid, MonitorState>> LockStatesAsync(AlertingDb db, Guid[] ids, CancellationToken ct, bool tracked = true)
    {
        if (ids.Length == 0)
            return [];
        var query = db.States.FromSql(
            $"select s.*, s.xmin from alerting.monitor_states s where s.monitor_id = any({ids}) order by s.monitor_id for update");
        return await (tracked ? query : query.AsNoTracking()).ToDictionaryAsync(s => s.MonitorId, ct);
    }

    internal static void Collect(AlertingDb db, Evaluation evaluation, List<Alert> alerts, DateTimeOffset now)
    {
        foreach (var e in evaluation.Events)
            db.Outbox.Add(OutboxMessage.Publish(e, now));
        db.History.AddRange(evaluation.History);
        alerts.AddRange(evaluation.Alerts);
    }
}

/// A round the alert clock found open past its ClosesAt.
public sealed record ExpiredRound(Guid RoundId, Guid MonitorId);
