using MassTransit;
using Sentinel.Contracts;
using Sentinel.Scheduler.Heartbeats;

namespace Sentinel.Scheduler.Schedules;

public sealed class MonitorUpsertedConsumer(SchedulerDb db, TimeProvider clock) : IConsumer<MonitorUpserted>
{
    public async Task Consume(ConsumeContext<MonitorUpserted> context)
    {
        var monitor = context.Message;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(context.CancellationToken);

        var schedule = await db.LockAsync(monitor.MonitorId, context.CancellationToken);
        if (schedule is null)
            db.Schedules.Add(Schedule.Create(monitor, now));
        else if (!schedule.Apply(monitor, now))
            return; // an older or repeated version, or the monitor is already deleted

        // Heartbeats are never dispatched (see Schedule.PassiveType) but get a deadline row; a type change moves it.
        await db.ApplyAsync(monitor, now, context.CancellationToken);

        await db.SaveChangesAsync(context.CancellationToken);
        await tx.CommitAsync(context.CancellationToken);
    }
}
