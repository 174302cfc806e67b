namespace Sentinel.Scheduler.Heartbeats;

/// Looks for missed heartbeat deadlines every Heartbeats:PollMilliseconds (250 ms: a miss is seen well within a
/// second). It survives any failure (database away): the deadlines stay passed and the next poll reports them.
public sealed class DeadlineLoop(
    IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<DeadlineLoop> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(Math.Max(10, configuration.GetValue("Heartbeats:PollMilliseconds", 250)));
        using var timer = new PeriodicTimer(poll, clock);
        try
        {
            var rounds = 0L;
            do
            {
                await ReportAllMissedAsync(stoppingToken);
                if (rounds++ % 4 == 0)
                    await TendEarlyPingsAsync(forget: rounds % 240 == 1, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: an unfinished round rolled back and its deadlines stay passed for the next Scheduler.
        }
    }

    /// Early pings whose monitor has arrived are applied; those whose monitor never arrived (deleted before its upsert
    /// was consumed) are dropped after a while.
    async Task TendEarlyPingsAsync(bool forget, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SchedulerDb>();
            await db.AdoptAsync(clock.GetUtcNow(), ct);
            var forgotten = forget ? await db.ForgetExpiredAsync(clock.GetUtcNow(), ct) : 0;
            if (forgotten > 0)
                log.LogInformation("Dropped {Count} early heartbeat pings whose monitor never arrived", forgotten);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Dropping expired early heartbeat pings failed; retried later");
        }
    }

    async Task ReportAllMissedAsync(CancellationToken ct)
    {
        try
        {
            MissRound round;
            do
            {
                await using var scope = scopes.CreateAsyncScope();
                round = await scope.ServiceProvider.GetRequiredService<MissedDeadlines>().ReportMissedAsync(ct);
                if (round.Misses > 0)
                    log.LogDebug("Reported {Misses} missed heartbeat deadlines; the oldest {LagSeconds:0.###} s after its deadline",
                        round.Misses, round.OldestLag.TotalSeconds);
                if (round.Rescheduled > 0)
                    log.LogDebug("Woke {Rescheduled} heartbeats pinged since their wake-up time was set; woken next at their deadline",
                        round.Rescheduled);
            }
            // A full round (misses and reschedules) means more may be due: keep going instead of waiting a poll behind.
            while (round.Full && !ct.IsCancellationRequested);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Reporting missed heartbeat deadlines failed; they stay due and are retried on the next poll");
        }
    }
}
