using MassTransit;
using Sentinel.AlertEvaluation.Incidents;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.AlertEvaluation.State;

public sealed class MonitorCheckedConsumer(AlertingDb db, TimeProvider clock, ILogger<MonitorCheckedConsumer> log)
    : IConsumer<MonitorChecked>
{
    public async Task Consume(ConsumeContext<MonitorChecked> context)
    {
        var result = context.Message;
        var ct = context.CancellationToken;
        // The catalog event travels on another queue and may still be on its way: retry until it has arrived.
        var monitor = await db.Monitors.FindAsync([result.MonitorId], ct)
            ?? throw new InvalidOperationException($"Monitor {result.MonitorId} is not known yet");

        var state = await db.States.FindAsync([result.MonitorId], ct);
        if (state is null)
        {
            state = new MonitorState { MonitorId = result.MonitorId, TenantId = result.TenantId };
            db.States.Add(state);
        }
        Incident? open = state.OpenIncidentId is { } id ? await db.Incidents.FindAsync([id], ct) : null;

        var now = clock.GetUtcNow();
        var evaluation = Evaluator.Apply(state, monitor, open, result, now);
        if (evaluation.Opened is { } opened)
        {
            db.Incidents.Add(opened);
            log.LogWarning("Monitor {MonitorId} ({MonitorName}) went down: {Error}; incident {IncidentId}",
                monitor.MonitorId, monitor.Name, result.Error, opened.Id);
        }
        if (evaluation.Resolved is { } resolved)
            log.LogInformation("Monitor {MonitorId} ({MonitorName}) recovered; incident {IncidentId} resolved",
                monitor.MonitorId, monitor.Name, resolved.Id);

        foreach (var e in evaluation.Events)
            db.Outbox.Add(OutboxMessage.Publish(e, now));
        foreach (var notification in evaluation.Notifications)
            db.Outbox.Add(OutboxMessage.Send(notification, Queues.SendNotification, now));

        await db.SaveChangesAsync(ct); // state, incident and messages commit together
    }
}

public sealed class MonitorCheckedConsumerDefinition : ConsumerDefinition<MonitorCheckedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<MonitorCheckedConsumer> consumer, IRegistrationContext context)
    {
        // One monitor's results are evaluated one at a time and in queue order (a backlog after a restart must count
        // failures in the order they happened); different monitors still run in parallel.
        consumer.Message<MonitorChecked>(m => m.UsePartitioner(16, c => c.Message.MonitorId));
    }
}
