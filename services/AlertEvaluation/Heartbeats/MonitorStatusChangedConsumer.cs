using MassTransit;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Heartbeats;

/// Records the status changes this service publishes (through its outbox, so none is lost) as the monitor's flips.
/// One multi-row insert per batch; a redelivered change collides with its first copy and is skipped.
public sealed class MonitorStatusChangedConsumer(AlertingDb db) : IConsumer<Batch<MonitorStatusChanged>>
{
    public async Task Consume(ConsumeContext<Batch<MonitorStatusChanged>> context)
    {
        var changes = context.Message.Select(m => m.Message).ToList();
        var ids = changes.Select(c => DeterministicGuid.Create("flip", c.MonitorId, c.ChangedAt, c.Status)).ToArray();
        var tenants = changes.Select(c => c.TenantId).ToArray();
        var monitors = changes.Select(c => c.MonitorId).ToArray();
        var times = changes.Select(c => c.ChangedAt.ToUniversalTime()).ToArray();
        var from = changes.Select(c => c.PreviousStatus).ToArray();
        var to = changes.Select(c => c.Status).ToArray();
        var reasons = changes.Select(c => c.Error).ToArray();
        var incidents = changes.Select(c => c.IncidentId).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            insert into alerting.monitor_flips (id, tenant_id, monitor_id, at, from_status, to_status, reason, incident_id)
            select * from unnest({ids}, {tenants}, {monitors}, {times}, {from}, {to}, {reasons}, {incidents})
            on conflict (id) do nothing
            """, context.CancellationToken);
    }
}

public sealed class MonitorStatusChangedConsumerDefinition : ConsumerDefinition<MonitorStatusChangedConsumer>
{
    public MonitorStatusChangedConsumerDefinition()
    {
        EndpointName = "alert-evaluation-monitor-status-changed";
        ConcurrentMessageLimit = 100;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<MonitorStatusChangedConsumer> consumer, IRegistrationContext context)
    {
        // One batch at a time keeps queue order, which is the order seq records for changes made at the same instant.
        endpoint.PrefetchCount = 100;
        consumer.Options<BatchOptions>(o => o.SetMessageLimit(100).SetTimeLimit(TimeSpan.FromMilliseconds(50)).SetConcurrencyLimit(1));
    }
}
