using Microsoft.EntityFrameworkCore;
using Sentinel.AlertEvaluation.History;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.AlertEvaluation.Slos;

/// One evaluation of every SLO's burn-rate rules. One replica at a time: the pass runs in a transaction holding a
/// PostgreSQL advisory lock (another replica finds it taken and skips its turn), and the alert state, the history and
/// the SendNotification commands (outbox) commit together, so a crash or a second replica never sends twice; Delivery
/// also drops a repeated NotificationId.
public sealed class SloBurnPass(AlertingDb db, TelemetrySloClient telemetry, TimeProvider clock, ILogger<SloBurnPass> log)
{
    /// Number of SLOs evaluated, or null when another replica holds the lock.
    public async Task<int?> RunAsync(CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Database
            .SqlQueryRaw<bool>("select pg_try_advisory_xact_lock(hashtext('alerting.slo-burn')) as \"Value\"")
            .SingleAsync(ct);
        if (!locked)
            return null;

        var now = clock.GetUtcNow();
        var slos = await db.Slos.Where(s => !s.Deleted).OrderBy(s => s.SloId).ToListAsync(ct);
        var tags = slos.Where(s => s.Tag is not null).Select(s => s.Tag!).Distinct().ToArray();
        var tenants = slos.Where(s => s.Tag is not null).Select(s => s.TenantId).Distinct().ToArray();
        var tagged = tags.Length == 0
            ? []
            : await db.Monitors.AsNoTracking()
                .Where(m => !m.Deleted && tenants.Contains(m.TenantId) && m.Tags.Any(t => tags.Contains(t)))
                .Select(m => new { m.MonitorId, m.TenantId, m.Tags })
                .ToListAsync(ct);

        var evaluated = 0;
        foreach (var slo in slos)
        {
            var rules = slo.BurnRules;
            if (rules.Count == 0 && slo.AlertId is null)
                continue;
            IReadOnlyList<Guid> monitors = slo.Tag is { } tag
                ? tagged.Where(m => m.TenantId == slo.TenantId && m.Tags.Contains(tag)).Select(m => m.MonitorId).ToList()
                : slo.MonitorId is { } monitor ? [monitor] : [];
            IReadOnlyDictionary<int, double?> rates;
            try
            {
                rates = rules.Count == 0
                    ? new Dictionary<int, double?>()
                    : await telemetry.BurnRatesAsync(slo.TenantId, monitors, slo.ObjectivePercent, slo.WindowDays,
                        BurnRateAlerting.Windows(rules), ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // No figures, no verdict: the alert stays as it is until Telemetry-Ingest answers again.
                log.LogWarning(ex, "Burn rates of SLO {SloId} unavailable; keeping its alert state", slo.SloId);
                continue;
            }

            slo.LastEvaluatedAt = now;
            evaluated++;
            if (slo.Step(BurnRateAlerting.Firing(rules, rates), now) is { } change)
                Notify(slo, change, now);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return evaluated;
    }

    /// One SendNotification per channel, with ids derived from (alert, event, channel): once per open, once per resolve.
    void Notify(SloCopy slo, SloAlertChange change, DateTimeOffset now)
    {
        var burning = change.Event == SloNotificationEvents.Burning;
        log.LogInformation("SLO {SloId} alert {AlertId}: {Event} ({Detail})", slo.SloId, change.AlertId, change.Event, change.Detail);
        foreach (var channel in slo.ChannelIds)
        {
            var message = new SendNotification(
                DeterministicGuid.ForNotification(change.AlertId, change.Event, channel), slo.TenantId, channel, change.AlertId,
                slo.SloId, slo.Name, change.Event, burning ? "burning" : "ok", change.Detail, null, change.OpenedAt,
                burning ? null : now, now, Tags: slo.Tag is { } tag ? [tag] : null);
            db.Outbox.Add(OutboxMessage.Send(message, Queues.SendNotification, now));
            db.History.Add(AlertHistoryEntry.ForNotification(message, change.AlertId, HistoryKinds.Notified, null,
                $"SLO {slo.ObjectivePercent}% over {slo.WindowDays}d: {change.Detail}", now));
        }
    }
}

/// Runs the pass every Slos:EvaluationSeconds (60) on every replica; the advisory lock lets one of them through.
public sealed class SloBurnLoop(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<SloBurnLoop> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Slos:Enabled", true))
            return;
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Slos:EvaluationSeconds", 60));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<SloBurnPass>().RunAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is away: nothing was committed, the next pass starts over.
                log.LogWarning(ex, "SLO burn-rate pass failed; retrying");
            }
            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

public static class SloRegistration
{
    public static IServiceCollection AddSloAlerting(this IServiceCollection services)
    {
        TelemetrySloClient.Register(services);
        services.AddScoped<SloBurnPass>();
        services.AddHostedService<SloBurnLoop>();
        return services;
    }
}
