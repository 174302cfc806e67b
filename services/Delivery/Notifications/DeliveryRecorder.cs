using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Sentinel.Contracts;

namespace Sentinel.Delivery.Notifications;

public enum RecordOutcome
{
    /// The row is new: this command is the one that gets sent.
    Recorded,
    /// A row with this NotificationId exists already (a redelivered or repeated command): nothing to do.
    Duplicate,
    /// The channel's catalog copy has not arrived yet.
    UnknownChannel,
    /// The channel belongs to another tenant.
    OtherTenant,
}

/// Records SendNotification commands as pending deliveries, due at once, many per statement: an
/// `INSERT … ON CONFLICT (notification_id) DO NOTHING RETURNING` decides in the database which command of a
/// NotificationId is the first, so a duplicate, concurrent or later, never becomes a second send.
public sealed class DeliveryRecorder : IAsyncDisposable
{
    readonly IServiceScopeFactory scopes;
    readonly TimeProvider clock;
    readonly GroupCommit<SendNotification, RecordOutcome> commit;

    public DeliveryRecorder(IServiceScopeFactory scopes, TimeProvider clock)
    {
        this.scopes = scopes;
        this.clock = clock;
        commit = new GroupCommit<SendNotification, RecordOutcome>("record", WriteAsync, maxBatch: 500, writers: 4);
    }

    public Task<RecordOutcome> RecordAsync(SendNotification command, CancellationToken ct) => commit.SubmitAsync(command, ct);

    async Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SendNotification> commands)
    {
        var now = clock.GetUtcNow();
        // Only the first command of a NotificationId in this batch may insert; the rest are duplicates of it.
        var first = new HashSet<Guid>();
        var rows = commands.Where(c => first.Add(c.NotificationId)).Select(c => NotificationDelivery.Start(c, now, now)).ToList();

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeliveryDb>();
        await db.Database.OpenConnectionAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("select id, tenant_id from delivery.channels where id = any($1)")
                {
                    Parameters = { new() { Value = rows.Select(r => r.ChannelId).Distinct().ToArray() } },
                },
                new NpgsqlBatchCommand("""
                    insert into delivery.deliveries (notification_id, tenant_id, channel_id, incident_id, monitor_id, event,
                        status, attempts, created_at, updated_at, next_attempt_at, payload)
                    select i.notification_id, i.tenant_id, i.channel_id, i.incident_id, i.monitor_id, i.event,
                        'pending', 0, $7, $7, $7, i.payload
                    from unnest($1, $2, $3, $4, $5, $6, $8) as i(notification_id, tenant_id, channel_id, incident_id, monitor_id, event, payload)
                    join delivery.channels c on c.id = i.channel_id and c.tenant_id = i.tenant_id
                    on conflict (notification_id) do nothing
                    returning notification_id
                    """)
                {
                    Parameters =
                    {
                        new() { Value = rows.Select(r => r.NotificationId).ToArray() },
                        new() { Value = rows.Select(r => r.TenantId).ToArray() },
                        new() { Value = rows.Select(r => r.ChannelId).ToArray() },
                        new() { Value = rows.Select(r => r.IncidentId).ToArray() },
                        new() { Value = rows.Select(r => r.MonitorId).ToArray() },
                        new() { Value = rows.Select(r => r.Event).ToArray() },
                        new() { Value = now },
                        new() { Value = rows.Select(r => r.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                    },
                },
            },
        };
        var tenantOf = new Dictionary<Guid, Guid>();
        var inserted = new HashSet<Guid>();
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                tenantOf[reader.GetGuid(0)] = reader.GetGuid(1);
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
                inserted.Add(reader.GetGuid(0));
        }

        var decided = new HashSet<Guid>();
        return commands.Select(c =>
        {
            if (!decided.Add(c.NotificationId))
                return RecordOutcome.Duplicate;
            if (inserted.Contains(c.NotificationId))
                return RecordOutcome.Recorded;
            if (!tenantOf.TryGetValue(c.ChannelId, out var tenant))
                return RecordOutcome.UnknownChannel;
            return tenant == c.TenantId ? RecordOutcome.Duplicate : RecordOutcome.OtherTenant;
        }).ToList();
    }

    public ValueTask DisposeAsync() => commit.DisposeAsync();
}
