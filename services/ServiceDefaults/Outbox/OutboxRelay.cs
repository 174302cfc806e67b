using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Prometheus;
using Sentinel.ServiceDefaults.Messaging;

namespace Sentinel.ServiceDefaults.Outbox;

/// Hands committed outbox rows to RabbitMQ in id order. One relay per schema works at a time (a transaction-scoped
/// advisory lock), so two replicas never relay the same rows at once; a row is deleted only after the broker
/// confirmed it, so a crash re-sends rather than loses (consumers are idempotent).
/// Throughput: a publisher confirm takes milliseconds (the broker writes the message to disk first), so one publish
/// awaited at a time capped a relay at a few hundred messages/s. The relay therefore starts the publishes of a batch
/// in id order and keeps up to `Outbox:MaxInFlight` (100) of them waiting for their confirms at once, then deletes
/// every confirmed row of the batch in one statement.
/// Waking: a relay that polled every 100 ms cost each service a transaction ten times a second while idle; it now
/// sleeps until a commit notifies it (ListenAsync), polling every `Outbox:PollMilliseconds` (1,000) only as a fallback.
public sealed class OutboxRelay<TDb>(
    string schema,
    IServiceScopeFactory scopes,
    IBus bus,
    QuorumQueues quorum,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<OutboxRelay<TDb>> log) : BackgroundService where TDb : DbContext
{
    static readonly Gauge Backlog = Metrics.CreateGauge(
        "sentinel_outbox_backlog_messages", "Outbox rows not yet handed to RabbitMQ.", "schema");
    static readonly Counter Relayed = Metrics.CreateCounter(
        "sentinel_outbox_relayed_messages_total", "Outbox rows handed to RabbitMQ.", "schema");

    readonly long lockKey = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"sentinel-outbox:{schema}")), 0);
    readonly int batchSize = Math.Max(1, configuration.GetValue("Outbox:BatchSize", 1000));
    readonly int maxInFlight = Math.Max(1, configuration.GetValue("Outbox:MaxInFlight", 100));
    readonly SemaphoreSlim wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(configuration.GetValue("Outbox:PollMilliseconds", 1000));
        var listening = configuration.GetValue("Outbox:Listen", true) ? ListenAsync(stoppingToken) : Task.CompletedTask;
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
            if (relayed < batchSize)
                await SleepAsync(idle, stoppingToken);
        }
        await listening;
    }

    /// Wakes the relay whenever a transaction that inserted outbox rows commits (OutboxNotifications), on a connection
    /// of its own outside the pool. The poll above stays as the safety net while this connection is down.
    async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                string connectionString;
                await using (var scope = scopes.CreateAsyncScope())
                    connectionString = scope.ServiceProvider.GetRequiredService<TDb>().Database.GetConnectionString()!;
                // Keepalives so a connection the server or network dropped is noticed and opened again.
                var settings = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 30 };
                await using var connection = new NpgsqlConnection(settings.ConnectionString);
                connection.Notification += (_, _) => Wake();
                await connection.OpenAsync(ct);
                await using (var listen = new NpgsqlCommand($"listen {OutboxNotifications.Channel(schema)}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                Wake(); // rows may have committed while nobody listened
                while (true)
                    await connection.WaitAsync(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                log.LogWarning(ex, "Outbox relay for schema {Schema} is not listening for commits; polling until it is again", schema);
                await Task.Delay(TimeSpan.FromSeconds(5), clock, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return; // stopping: however the wait ended
            }
        }
    }

    async Task SleepAsync(TimeSpan idle, CancellationToken ct)
    {
        try
        {
            await wake.WaitAsync(idle, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    void Wake()
    {
        try
        {
            if (wake.CurrentCount == 0)
                wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Woken already.
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

        var rows = await db.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.Id).Take(batchSize).ToListAsync(ct);
        var confirmed = await PublishAsync(rows, ct);

        if (confirmed.Ids.Count > 0)
        {
            // Exactly the rows the broker confirmed: a row with a smaller id may commit after this batch was read, and
            // a row whose publish failed stays for the next round. Not cancelled by shutdown: these rows are in
            // RabbitMQ already, and deleting them is quicker than sending them again after the restart.
            var ids = confirmed.Ids;
            await db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(CancellationToken.None);
            Relayed.WithLabels(schema).Inc(ids.Count);
        }
        await tx.CommitAsync(CancellationToken.None);
        confirmed.Failure?.Throw();

        if (rows.Count < batchSize)
            Backlog.WithLabels(schema).Set(0);
        else
            Backlog.WithLabels(schema).Set(await db.Set<OutboxMessage>().CountAsync(ct));
        return rows.Count;
    }

    /// Publishes the rows, started in id order with at most maxInFlight awaiting their confirms. Returns the ids the
    /// broker confirmed and the first failure, if any (the confirmed rows are still deleted, the others are sent again).
    async Task<(List<long> Ids, System.Runtime.ExceptionServices.ExceptionDispatchInfo? Failure)> PublishAsync(
        List<OutboxMessage> rows, CancellationToken ct)
    {
        var confirmed = new List<long>(rows.Count);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        using var window = new SemaphoreSlim(maxInFlight);
        var pending = new List<Task>(rows.Count);
        foreach (var row in rows)
        {
            try
            {
                await window.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                break; // shutting down: the publishes in flight end (confirmed or cancelled) before the window goes
            }
            if (Volatile.Read(ref failure) is not null)
            {
                window.Release();
                break; // the broker is refusing: stop starting more, keep what was confirmed
            }
            pending.Add(PublishOneAsync(row));
        }
        await Task.WhenAll(pending);
        return (confirmed, failure);

        async Task PublishOneAsync(OutboxMessage row)
        {
            try
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
                lock (confirmed)
                    confirmed.Add(row.Id);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex), null);
            }
            finally
            {
                window.Release();
            }
        }
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
