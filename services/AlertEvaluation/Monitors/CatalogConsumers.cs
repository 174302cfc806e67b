using MassTransit;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Monitors;

/// Keeps the monitor copy. An event whose Version was already applied (redelivery, or an older event arriving late)
/// changes nothing; a deleted monitor stays deleted. A newer ResumedAt restarts the state from "new" (MonitorResumption).
public sealed class MonitorUpsertedConsumer(AlertingDb db, TimeProvider clock) : IConsumer<MonitorUpserted>
{
    public async Task Consume(ConsumeContext<MonitorUpserted> context)
    {
        var e = context.Message;
        var ct = context.CancellationToken;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var copy = await db.Monitors.FindAsync([e.MonitorId], ct);
        var resumed = false;
        if (copy is null)
            db.Monitors.Add(copy = MonitorCopy.From(e));
        else if (!copy.Deleted && e.Version > copy.Version)
        {
            resumed = copy.IsResumedBy(e);
            copy.Apply(e);
        }
        else
            return;

        if (e.Paused || resumed)
        {
            // The state row lock, as the evaluators take it: a pause or resume never interleaves with a result.
            var state = (await ResultEvaluation.LockStatesAsync(db, [e.MonitorId], ct)).GetValueOrDefault(e.MonitorId);
            if (state is not null && e.Paused)
                state.Pause(); // a paused monitor starts counting afresh when it is resumed
            else if (state is not null)
            {
                var incident = state.OpenIncidentId is { } id ? await db.Incidents.FindAsync([id], ct) : null;
                var now = clock.GetUtcNow();
                var evaluation = MonitorResumption.Apply(state, copy, incident, now);
                foreach (var message in evaluation.Events)
                    db.Outbox.Add(Sentinel.ServiceDefaults.Outbox.OutboxMessage.Publish(message, now));
                db.History.AddRange(evaluation.History);
            }
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
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
