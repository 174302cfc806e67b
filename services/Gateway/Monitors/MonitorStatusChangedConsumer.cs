using MassTransit;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Monitors;

/// Keeps the Gateway's copy of each monitor's status. One conditional UPDATE: a status older than the stored one, a
/// redelivery, or an unknown (deleted) monitor changes nothing. The version is untouched: status is not configuration.
public sealed class MonitorStatusChangedConsumer(CatalogDb db) : IConsumer<MonitorStatusChanged>
{
    public async Task Consume(ConsumeContext<MonitorStatusChanged> context)
    {
        var change = context.Message;
        await db.Monitors
            .Where(m => m.Id == change.MonitorId && m.TenantId == change.TenantId
                && (m.StatusChangedAt == null || m.StatusChangedAt < change.ChangedAt))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, change.Status)
                .SetProperty(m => m.StatusChangedAt, change.ChangedAt), context.CancellationToken);
    }
}
