using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Sentinel.Delivery.Notifications;

/// Sends the deliveries whose next try is due. Due rows are claimed with FOR UPDATE SKIP LOCKED and their
/// next_attempt_at pushed ahead by a lease in the same statement, so several Delivery instances share the work and a
/// try that dies with its process is picked up again when the lease ends.
public sealed class RetryLoop(
    IServiceScopeFactory scopes, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<RetryLoop> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var inFlight = new SemaphoreSlim(settings.RetryConcurrency);
        var running = new List<Task>();
        try
        {
            await RunAsync(settings, inFlight, running, stoppingToken);
        }
        finally
        {
            await Task.WhenAll(running); // tries in progress finish (or see the token) before the host stops
        }
    }

    async Task RunAsync(DeliveryOptions settings, SemaphoreSlim inFlight, List<Task> running, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            var claimed = 0;
            var free = inFlight.CurrentCount;
            try
            {
                var due = free == 0 ? [] : await ClaimAsync(free, stoppingToken);
                claimed = due.Count;
                foreach (var id in due)
                {
                    await inFlight.WaitAsync(stoppingToken);
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await AttemptAsync(id, stoppingToken);
                        }
                        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                        {
                            // The row keeps its lease: it is tried again when the lease ends.
                            log.LogWarning(ex, "Retry of notification {NotificationId} failed", id);
                        }
                        finally
                        {
                            inFlight.Release();
                        }
                    }, CancellationToken.None));
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Not migrated yet, or the database restarting or unreachable: the rows wait, nothing is lost, and the
                // loop must outlive it (an exception escaping here would stop the whole Delivery process).
                log.LogWarning(ex, "Could not claim due deliveries; trying again");
            }
            if (claimed == 0 || claimed < free) // caught up: look again after a pause
                await Task.Delay(TimeSpan.FromMilliseconds(settings.RetryPollMilliseconds), clock, stoppingToken);
        }
    }

    async Task<List<Guid>> ClaimAsync(int limit, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeliveryDb>();
        var now = clock.GetUtcNow();
        var leaseUntil = now.AddSeconds(options.Value.LeaseSeconds);
        var rows = await db.Deliveries.FromSql($"""
            update delivery.deliveries set next_attempt_at = {leaseUntil}
            where notification_id in (
                select notification_id from delivery.deliveries
                where status = 'pending' and next_attempt_at <= {now}
                order by next_attempt_at
                limit {limit}
                for update skip locked)
            returning *
            """).AsNoTracking().ToListAsync(ct);
        return rows.Select(r => r.NotificationId).ToList();
    }

    async Task AttemptAsync(Guid notificationId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeliveryDb>();
        var delivery = await db.Deliveries.FindAsync([notificationId], ct);
        if (delivery is null || delivery.IsFinal)
            return;
        var channel = await db.Channels.FindAsync([delivery.ChannelId], ct);
        await scope.ServiceProvider.GetRequiredService<Dispatcher>().AttemptAsync(db, delivery, channel, ct);
    }
}
