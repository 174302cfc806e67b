using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Sentinel.ServiceDefaults.Messaging;

namespace Sentinel.ServiceDefaults.Outbox;

/// Hands committed outbox rows to RabbitMQ in commit order. One relay per schema works at a time (a transaction-scoped
/// advisory lock), so two replicas never reorder one object's messages; a row is deleted only after the broker
/// confirmed it, so a crash re-sends rather than loses (consumers are idempotent).
public sealed class OutboxRelay<TDb>(
    string schema,
    IServiceScopeFactory scopes,
    IBus bus,
    QuorumQueues quorum,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<OutboxRelay<TDb>> log) : BackgroundService where TDb : DbContext
{
    const int BatchSize = 100;

    static readonly Gauge Backlog = Metrics.CreateGauge(
        "sentinel_outbox_backlog_messages", "Outbox rows not yet handed to RabbitMQ.", "schema");
    static readonly Counter Relayed = Metrics.CreateCounter(
        "sentinel_outbox_relayed_messages_total", "Outbox rows handed to RabbitMQ.", "schema");

    readonly long lockKey = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"sentinel-outbox:{schema}")), 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(configuration.GetValue("Outbox:PollMilliseconds", 100));
        while (!stoppingToken.IsCancellationRequested)
        {
            int relayed;
            try
            {
                relayed = await RelayBatchAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or broker is away: nothing is lost (rows stay), so wait and try again.
                log.LogWarning(ex, "Outbox relay for schema {Schema} failed; retrying", schema);
                relayed = 0;
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            if (relayed < BatchSize)
                await Task.Delay(idle, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    async Task<int> RelayBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Database
            .SqlQuery<bool>($"select pg_try_advisory_xact_lock({lockKey}) as \"Value\"")
            .SingleAsync(ct);
        if (!locked)
            return 0;

        var rows = await db.Set<OutboxMessage>().OrderBy(m => m.Id).Take(BatchSize).ToListAsync(ct);
        foreach (var row in rows)
        {
            var message = row.Deserialize();
            var type = message.GetType();
            if (row.Destination is null)
            {
                await bus.Publish(message, type, c => c.MessageId = row.MessageId, ct);
            }
            else
            {
                var endpoint = await bus.GetSendEndpoint(await quorum.SendAddressAsync(new Uri(row.Destination), ct));
                await endpoint.Send(message, type, c => c.MessageId = row.MessageId, ct);
            }
        }

        if (rows.Count > 0)
        {
            // Exactly the rows sent: a row with a smaller id may commit after this batch was read.
            var ids = rows.Select(r => r.Id).ToList();
            await db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(ct);
            Relayed.WithLabels(schema).Inc(rows.Count);
        }
        await tx.CommitAsync(ct);

        if (rows.Count < BatchSize)
            Backlog.WithLabels(schema).Set(0);
        else
            Backlog.WithLabels(schema).Set(await db.Set<OutboxMessage>().CountAsync(ct));
        return rows.Count;
    }
}
