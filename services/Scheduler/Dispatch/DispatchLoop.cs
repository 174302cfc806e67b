namespace Sentinel.Scheduler.Dispatch;

/// Runs a dispatch round every Scheduler:TickMilliseconds. It survives any failure (database or broker away):
/// the rows stay due and the next tick tries again.
public sealed class DispatchLoop(
    IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<DispatchLoop> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TimeSpan.FromMilliseconds(Math.Max(10, configuration.GetValue("Scheduler:TickMilliseconds", 1000)));
        using var timer = new PeriodicTimer(tick, clock);
        try
        {
            do
            {
                await DispatchAllDueAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: an unfinished round rolled back and its rows stay due for the next Scheduler.
        }
    }

    async Task DispatchAllDueAsync(CancellationToken ct)
    {
        try
        {
            DispatchRound round;
            do
            {
                await using var scope = scopes.CreateAsyncScope();
                var dispatcher = scope.ServiceProvider.GetRequiredService<CheckDispatcher>();
                round = await dispatcher.DispatchDueAsync(ct);
                if (round.Checks > 0)
                    log.LogDebug("Dispatched {Checks} checks in {Batches} batches; the oldest was {LagSeconds:0.###} s late",
                        round.Checks, round.Batches, round.OldestLag.TotalSeconds);
            }
            // A full round means more may be due: keep going instead of waiting a tick behind.
            while (round.Full && !ct.IsCancellationRequested);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Dispatching due checks failed; they stay due and are retried on the next tick");
        }
    }
}
