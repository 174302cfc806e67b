using MassTransit;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Monitors;

/// Keeps the Gateway's copy of each monitor's status: the latest change of each monitor in a batch, all in one
/// conditional UPDATE. When thousands of heartbeats turn up at once (their first pings) the changes come thousands
/// a second, and one statement per change kept the Gateway's connections and PostgreSQL busy beside the pings. A
/// status older than the stored one (or as old: a redelivery), or for an unknown (deleted) monitor or another
/// tenant, changes nothing. The version is untouched: status is not configuration.
public sealed class MonitorStatusChangedConsumer(CatalogDb db) : IConsumer<Batch<MonitorStatusChanged>>
{
    public async Task Consume(ConsumeContext<Batch<MonitorStatusChanged>> context)
    {
        // Per monitor the newest change; of two at the same instant the first in queue order, as one by one would.
        var latest = context.Message.Select(m => m.Message)
            .GroupBy(c => (c.MonitorId, c.TenantId))
            .Select(g => g.MaxBy(c => c.ChangedAt)!)
            .OrderBy(c => c.MonitorId) // rows locked in id order, as the catalog's other multi-row writers do
            .ToList();
        var ids = latest.Select(c => c.MonitorId).ToArray();
        var tenants = latest.Select(c => c.TenantId).ToArray();
        var statuses = latest.Select(c => c.Status).ToArray();
        var times = latest.Select(c => c.ChangedAt.ToUniversalTime()).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            update gateway.monitors as m set status = v.status, status_changed_at = v.changed_at
            from unnest({ids}, {tenants}, {statuses}, {times}) as v(id, tenant_id, status, changed_at)
            where m.id = v.id and m.tenant_id = v.tenant_id
              and (m.status_changed_at is null or m.status_changed_at < v.changed_at)
            """, context.CancellationToken);
    }
}

public sealed class MonitorStatusChangedConsumerDefinition : ConsumerDefinition<MonitorStatusChangedConsumer>
{
    const int MessagesPerBatch = 200;

    public MonitorStatusChangedConsumerDefinition()
    {
        EndpointName = "gateway-monitor-status-changed";
        ConcurrentMessageLimit = MessagesPerBatch;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<MonitorStatusChangedConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = MessagesPerBatch;
        consumer.Options<BatchOptions>(o => o.SetMessageLimit(MessagesPerBatch).SetTimeLimit(TimeSpan.FromMilliseconds(50)).SetConcurrencyLimit(1));
    }
}
