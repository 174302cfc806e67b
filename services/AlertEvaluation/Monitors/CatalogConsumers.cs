using MassTransit;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Monitors;

/// Keeps the monitor copy. An event whose Version was already applied (redelivery, or an older event arriving late)
/// changes nothing; a deleted monitor stays deleted.
public sealed class MonitorUpsertedConsumer(AlertingDb db) : IConsumer<MonitorUpserted>
{
    public async Task Consume(ConsumeContext<MonitorUpserted> context)
    {
        var e = context.Message;
        var copy = await db.Monitors.FindAsync([e.MonitorId], context.CancellationToken);
        if (copy is null)
            db.Monitors.Add(MonitorCopy.From(e));
        else if (!copy.Deleted && e.Version > copy.Version)
            copy.Apply(e);
        else
            return;

        if (e.Paused && await db.States.FindAsync([e.MonitorId], context.CancellationToken) is { } state)
            state.Pause(); // a paused monitor starts counting afresh when it is resumed

        await db.SaveChangesAsync(context.CancellationToken);
    }
}

public sealed class MonitorDeletedConsumer(AlertingDb db, TimeProvider clock) : IConsumer<MonitorDeleted>
{
    public async Task Consume(ConsumeContext<MonitorDeleted> context)
    {
        var e = context.Message;
        var copy = await db.Monitors.FindAsync([e.MonitorId], context.CancellationToken);
        if (copy is null)
        {
            copy = new MonitorCopy { MonitorId = e.MonitorId, TenantId = e.TenantId };
            copy.MarkDeleted(e);
            db.Monitors.Add(copy);
        }
        else if (e.Version > copy.Version)
        {
            copy.MarkDeleted(e);
        }
        else
        {
            return;
        }

        // An incident of a monitor that no longer exists is over; nobody is paged for it.
        var state = await db.States.FindAsync([e.MonitorId], context.CancellationToken);
        if (state?.OpenIncidentId is { } incidentId
            && await db.Incidents.FindAsync([incidentId], context.CancellationToken) is { } incident)
        {
            var now = clock.GetUtcNow();
            incident.Resolve(now);
            state.Pause();
            db.Outbox.Add(Sentinel.ServiceDefaults.Outbox.OutboxMessage.Publish(
                new IncidentResolved(incident.Id, incident.MonitorId, incident.TenantId, incident.OpenedAt, now), now));
        }
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
