using Microsoft.EntityFrameworkCore;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Rounds;

/// Keeps the rounds of multi-location monitors, inside ResultEvaluation's transaction (after it has locked the
/// monitors' state rows, so two replicas never decide one round at the same time): records each location's result
/// once, closes the rounds that are decided or past their timeout, and hands the state machine one result per round
/// that came out up or down.
public sealed class RoundTracker(AlertingDb db, IConfiguration configuration)
{
    /// `Alerting:RoundMarginSeconds`: how long after the check timeout a round waits for its locations.
    public TimeSpan Margin => TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue("Alerting:RoundMarginSeconds", 5)));

    /// results: location results of known monitors that have locations. expired: rounds the clock found past their
    /// timeout. Returns the round results to evaluate (for monitors in `live` only).
    public async Task<List<MonitorChecked>> RecordAsync(
        IReadOnlyList<MonitorChecked> results, IReadOnlyDictionary<Guid, MonitorCopy> monitors, IReadOnlyCollection<Guid> live,
        IReadOnlyCollection<Guid> expired, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var r in results.Where(r => r.RoundId is not null).OrderBy(r => r.RoundId))
        {
            var monitor = monitors[r.MonitorId];
            var roundId = r.RoundId!.Value;
            // At least a margin after the first result arrived, too: a backlog of old results (after a restart) still
            // gives the round's other locations time to be read before it is judged incomplete.
            var closesAt = Max(r.DueAt.AddSeconds(monitor.TimeoutSeconds) + Margin, now + Margin);
            var locations = monitor.Locations.ToArray();
            await db.Database.ExecuteSqlAsync($"""
                insert into alerting.check_rounds (round_id, monitor_id, tenant_id, due_at, locations, quorum, opened_at, closes_at)
                values ({roundId}, {r.MonitorId}, {r.TenantId}, {r.DueAt}, {locations}, {monitor.EffectiveQuorum}, {now}, {closesAt})
                on conflict (round_id) do nothing
                """, ct);
            var location = r.Location ?? "";
            await db.Database.ExecuteSqlAsync($"""
                insert into alerting.round_results (round_id, location, check_id, up, unknown, error, latency_ms, checked_at, late)
                select {roundId}, {location}, {r.CheckId}, {r.Up && !r.Unknown}, {r.Unknown}, {r.Error}, {r.LatencyMs}, {r.CheckedAt},
                       exists (select 1 from alerting.check_rounds where round_id = {roundId} and outcome is not null)
                on conflict (round_id, location) do nothing
                """, ct);
        }

        var ids = results.Where(r => r.RoundId is not null).Select(r => r.RoundId!.Value).Concat(expired).Distinct().Order().ToArray();
        if (ids.Length == 0)
            return [];
        var open = await db.Rounds
            .FromSql($"select * from alerting.check_rounds where round_id = any({ids}) and outcome is null order by round_id for update")
            .ToListAsync(ct);
        if (open.Count == 0)
            return [];
        var openIds = open.Select(r => r.RoundId).ToArray();
        var recorded = (await db.RoundResults.AsNoTracking().Where(r => openIds.Contains(r.RoundId)).ToListAsync(ct))
            .ToLookup(r => r.RoundId, r => r.ToLocationResult());

        var decided = new List<MonitorChecked>();
        foreach (var round in open)
        {
            var locationResults = recorded[round.RoundId].ToList();
            var verdict = Quorum.Decide(round.Locations, round.Quorum, locationResults, timedOut: now >= round.ClosesAt);
            if (!verdict.Closed)
                continue;
            round.Outcome = verdict.Outcome;
            round.ClosedAt = now;
            round.Detail = verdict.Error;
            if (verdict.Outcome is RoundOutcomes.Up or RoundOutcomes.Down && live.Contains(round.MonitorId))
                decided.Add(Quorum.ToResult(verdict, round.RoundId, round.MonitorId, round.TenantId, round.DueAt, locationResults));
        }
        return decided;
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
