using MassTransit;
using Sentinel.Contracts;
using Sentinel.Scheduler.Heartbeats;

namespace Sentinel.Scheduler.Schedules;

public sealed class MonitorDeletedConsumer(SchedulerDb db, TimeProvider clock) : IConsumer<MonitorDeleted>
{
    public async Task Consume(ConsumeContext<MonitorDeleted> context)
    {
        var deleted = context.Message;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(context.CancellationToken);

        var schedule = await db.LockAsync(deleted.MonitorId, context.CancellationToken);
        if (schedule is null)
            db.Schedules.Add(Schedule.Tombstone(deleted, now)); // so a late upsert cannot bring it back
        else if (!schedule.Apply(deleted, now))
            return;
        else
            await db.RemoveAsync(deleted.MonitorId, context.CancellationToken);

        await db.SaveChangesAsync(context.CancellationToken);
        await tx.CommitAsync(context.CancellationToken);
    }
}
