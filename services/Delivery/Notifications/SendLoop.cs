using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sentinel.Delivery.Channels;

namespace Sentinel.Delivery.Notifications;

/// Makes every try, the first included: the consumer only records a delivery as due and wakes this loop. Due rows are
/// claimed in batches with FOR UPDATE SKIP LOCKED and their next_attempt_at pushed ahead by a lease in the same
/// statement, so several Delivery instances share the work and a try that dies with its process is picked up again
/// when the lease ends. At most SendConcurrency tries are in flight; each outcome is committed through OutcomeWriter,
/// many per statement.
public sealed class SendLoop(
    IServiceScopeFactory scopes,
    Dispatcher dispatcher,
    OutcomeWriter outcomes,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    ILogger<SendLoop> log) : BackgroundService
{
    readonly SemaphoreSlim wake = new(0, 1);
    int wakeScheduled;

    /// Something became due (a command was recorded): look now rather than at the next poll.
    public void Wake()
    {
        try
        {
            if (wake.CurrentCount == 0)
                wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Woken already.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var inFlight = new SemaphoreSlim(settings.SendConcurrency);
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
        var poll = TimeSpan.FromMilliseconds(settings.RetryPollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            if (inFlight.CurrentCount == 0)
            {
                // Every slot is busy: wait for one, then a moment more, so the next claim takes a batch, not one row.
                await inFlight.WaitAsync(stoppingToken);
                inFlight.Release();
                await Task.Delay(TimeSpan.FromMilliseconds(5), clock, stoppingToken);
            }
            var wanted = Math.Min(inFlight.CurrentCount, settings.ClaimBatch);
            var claimed = 0;
            try
            {
                var due = await ClaimAsync(wanted, stoppingToken);
                claimed = due.Count;
                foreach (var (delivery, channel) in due)
                {
                    await inFlight.WaitAsync(stoppingToken);
                    running.Add(Task.Run(() => AttemptAsync(delivery, channel, inFlight, stoppingToken), CancellationToken.None));
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Not migrated yet, or the database restarting or unreachable: the rows wait, nothing is lost, and the
                // loop must outlive it (an exception escaping here would stop the whole Delivery process).
                log.LogWarning(ex, "Could not claim due deliveries; trying again");
            }
            if (claimed < wanted) // caught up: sleep until woken or the next poll
                await wake.WaitAsync(poll, stoppingToken);
        }
    }

    async Task AttemptAsync(NotificationDelivery delivery, Channel? channel, SemaphoreSlim inFlight, CancellationToken ct)
    {
        try
        {
            var write = await dispatcher.AttemptAsync(delivery, channel, ct);
            if (await outcomes.WriteAsync(write, ct))
            {
                dispatcher.Report(write);
                if (write.PutOff)
                    WakeAfter(TimeSpan.FromMilliseconds(options.Value.BusyDeferMilliseconds), ct);
            }
            else
                log.LogWarning("Try of notification {NotificationId} not recorded: another try recorded attempt {Attempt} first",
                    delivery.NotificationId, write.ExpectedAttempts + 1);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The row keeps its lease: it is tried again when the lease ends.
            log.LogWarning(ex, "Try of notification {NotificationId} failed", delivery.NotificationId);
        }
        finally
        {
            inFlight.Release();
        }
    }

    /// A put-off notification is due again before the next poll: look for it then (one timer for a burst of them).
    void WakeAfter(TimeSpan delay, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref wakeScheduled, 1) == 1)
            return;
        _ = Task.Delay(delay, clock, ct).ContinueWith(delayed =>
        {
            Volatile.Write(ref wakeScheduled, 0);
            if (delayed.IsCompletedSuccessfully)
                Wake();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// Up to limit due deliveries, leased to this instance, with their channels (null when unknown).
    async Task<List<(NotificationDelivery Delivery, Channel? Channel)>> ClaimAsync(int limit, CancellationToken ct)
    {
        if (limit <= 0)
            return [];
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
        if (rows.Count == 0)
            return [];
        var channelIds = rows.Select(r => r.ChannelId).Distinct().ToList();
        var channels = await db.Channels.AsNoTracking().Where(c => channelIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        return rows.Select(r => (r, channels.GetValueOrDefault(r.ChannelId))).ToList();
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
