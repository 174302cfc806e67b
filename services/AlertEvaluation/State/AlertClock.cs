using Microsoft.EntityFrameworkCore;
using Sentinel.AlertEvaluation.Locations;
using Sentinel.AlertEvaluation.RateLimiting;

namespace Sentinel.AlertEvaluation.State;

/// The time-driven half of alerting: reminders, "M minutes unacknowledged" escalation levels and the ends of
/// maintenance windows are due times in PostgreSQL (monitor_states.next_due_at), polled here every second; never
/// delayed messages. Each replica polls; FOR UPDATE SKIP LOCKED hands every due monitor to exactly one of them.
public sealed class AlertClock(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<AlertClock> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(configuration.GetValue("Alerting:ClockMilliseconds", 1000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DueWork>().RunAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is away or two replicas collided: the due rows are still there next time.
                log.LogWarning(ex, "Alert clock tick failed; retrying");
            }
            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

/// One tick of the alert clock.
public sealed class DueWork(
    AlertingDb db, ResultEvaluation evaluation, AlertDispatcher dispatcher, LocationWatch locations, TimeProvider clock)
{
    const int BatchSize = 500;
    static readonly TimeSpan ParkedFor = TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken ct)
    {
        await TickDueMonitorsAsync(ct);
        await ReplayParkedResultsAsync(ct);
        db.ChangeTracker.Clear();
        await CloseExpiredRoundsAsync(ct);
        db.ChangeTracker.Clear();
        await locations.RunAsync(ct);
    }

    /// Rounds of multi-location monitors past their timeout: decided now with what arrived (missing locations make
    /// them incomplete). ResultEvaluation locks the monitors' states first, so a replica evaluating a late result of
    /// the same round waits, and the loser of the race finds the round closed.
    public async Task<int> CloseExpiredRoundsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var expired = await db.Rounds.AsNoTracking()
            .Where(r => r.Outcome == null && r.ClosesAt <= now)
            .OrderBy(r => r.ClosesAt).Take(BatchSize)
            .Select(r => new ExpiredRound(r.RoundId, r.MonitorId))
            .ToListAsync(ct);
        if (expired.Count > 0)
            await evaluation.ApplyAsync([], replayingParked: false, ct, expired);
        return expired.Count;
    }

    public async Task<int> TickDueMonitorsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var states = await db.States
            .FromSql($"select s.*, s.xmin from alerting.monitor_states s where s.next_due_at <= {now} order by s.next_due_at limit {BatchSize} for update skip locked")
            .ToDictionaryAsync(s => s.MonitorId, ct);
        if (states.Count == 0)
            return 0;

        var ids = states.Keys.ToArray();
        var monitors = await db.Monitors.AsNoTracking().Where(m => ids.Contains(m.MonitorId)).ToDictionaryAsync(m => m.MonitorId, ct);
        var openIds = states.Values.Where(s => s.OpenIncidentId is not null).Select(s => s.OpenIncidentId!.Value).ToArray();
        var incidents = await db.Incidents.Where(i => openIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var around = await Neighbourhood.LoadAsync(db, monitors.Values.ToList(), ct);

        var alerts = new List<Alert>();
        foreach (var state in states.Values)
        {
            if (!monitors.TryGetValue(state.MonitorId, out var monitor))
            {
                state.NextDueAt = null;
                continue;
            }
            var incident = state.OpenIncidentId is { } id ? incidents.GetValueOrDefault(id) : null;
            ResultEvaluation.Collect(db, Evaluator.Tick(state, monitor, incident, around.For(monitor, states, now), now), alerts, now);
        }
        await dispatcher.DispatchAsync(alerts, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return states.Count;
    }

    public async Task<int> ReplayParkedResultsAsync(CancellationToken ct)
    {
        var parked = await db.PendingResults.AsNoTracking()
            .Where(p => db.Monitors.Any(m => m.MonitorId == p.MonitorId))
            .OrderBy(p => p.DueAt)
            .Take(BatchSize * 2)
            .ToListAsync(ct);
        db.ChangeTracker.Clear(); // what the tick tracked must not stand in for the rows ApplyAsync locks afresh
        if (parked.Count > 0)
            await evaluation.ApplyAsync(parked.Select(p => p.ToResult()).ToList(), replayingParked: true, ct);

        // A result whose monitor never arrived (deleted before it was ever known) is not kept forever.
        var expired = clock.GetUtcNow() - ParkedFor;
        await db.PendingResults.Where(p => p.ParkedAt < expired).ExecuteDeleteAsync(ct);
        return parked.Count;
    }
}
