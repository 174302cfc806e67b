using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Delivery.Notifications;

/// What one try did to a delivery: its new state (Delivery, already changed in memory), the attempt row (none when
/// the try was only put off or failed without sending), and the NotificationDelivered/NotificationFailed event of a
/// final outcome. ExpectedAttempts is the attempt count the try started from.
public sealed record DeliveryWrite(
    NotificationDelivery Delivery, int ExpectedAttempts, DeliveryAttempt? Attempt, OutboxMessage? Event, string ChannelType)
{
    /// Put off because its channel was busy: nothing was sent.
    public bool PutOff => Attempt is null && Event is null;
}

/// Commits the outcomes of many tries in one statement: the delivery rows are updated only where `attempts` still has
/// the value the try started from (so a try whose lease ran out cannot record attempt n twice), and the attempt rows
/// and outbox events of exactly the updated deliveries are inserted in the same statement, so an outcome and its
/// event still commit together.
public sealed class OutcomeWriter : IAsyncDisposable
{
    const string Sql = """
        with input as (
            select * from unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::text[], $6::int[], $7::timestamptz[],
                $8::timestamptz[], $9::timestamptz[])
                as u(notification_id, expected, status, attempts, last_error, last_status_code, updated_at, delivered_at, next_attempt_at)
        ), updated as (
            update delivery.deliveries d
            set status = u.status, attempts = u.attempts, last_error = u.last_error, last_status_code = u.last_status_code,
                updated_at = u.updated_at, delivered_at = u.delivered_at, next_attempt_at = u.next_attempt_at
            from input u
            where d.notification_id = u.notification_id and d.attempts = u.expected
            returning d.notification_id
        ), attempts as (
            insert into delivery.delivery_attempts (notification_id, attempt, started_at, duration_ms, status_code, error, outcome)
            select a.notification_id, a.attempt, a.started_at, a.duration_ms, a.status_code, a.error, a.outcome
            from unnest($10::uuid[], $11::int[], $12::timestamptz[], $13::int[], $14::int[], $15::text[], $16::text[])
                as a(notification_id, attempt, started_at, duration_ms, status_code, error, outcome)
            where a.notification_id in (select notification_id from updated)
        ), events as (
            insert into delivery.outbox (message_id, message_type, body, destination, created_at)
            select o.message_id, o.message_type, o.body, null, o.created_at
            from unnest($17::uuid[], $18::uuid[], $19::text[], $20::jsonb[], $21::timestamptz[])
                as o(notification_id, message_id, message_type, body, created_at)
            where o.notification_id in (select notification_id from updated)
        )
        select notification_id from updated
        """;

    readonly IServiceScopeFactory scopes;
    readonly GroupCommit<DeliveryWrite, bool> commit;

    public OutcomeWriter(IServiceScopeFactory scopes)
    {
        this.scopes = scopes;
        commit = new GroupCommit<DeliveryWrite, bool>("outcome", WriteAsync, maxBatch: 500, writers: 4);
    }

    /// True when recorded; false when another try of the same delivery recorded first.
    public Task<bool> WriteAsync(DeliveryWrite write, CancellationToken ct) => commit.SubmitAsync(write, ct);

    async Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<DeliveryWrite> writes)
    {
        // One row per delivery per statement: a second write of the same delivery (never expected: a delivery is
        // tried by one claim at a time) goes into a statement of its own, after the first.
        var results = new bool[writes.Count];
        var remaining = Enumerable.Range(0, writes.Count).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeliveryDb>();
        await db.Database.OpenConnectionAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        while (remaining.Count > 0)
        {
            var seen = new HashSet<Guid>();
            var round = remaining.Where(i => seen.Add(writes[i].Delivery.NotificationId)).ToList();
            remaining = remaining.Except(round).ToList();
            var updated = await WriteRoundAsync(connection, round.Select(i => writes[i]).ToList());
            foreach (var i in round)
                results[i] = updated.Contains(writes[i].Delivery.NotificationId);
        }
        return results;
    }

    static async Task<HashSet<Guid>> WriteRoundAsync(NpgsqlConnection connection, List<DeliveryWrite> writes)
    {
        var deliveries = writes.Select(w => w.Delivery).ToList();
        var attempts = writes.Where(w => w.Attempt is not null).ToList();
        var events = writes.Where(w => w.Event is not null).ToList();
        await using var command = new NpgsqlCommand(Sql, connection)
        {
            Parameters =
            {
                new() { Value = deliveries.Select(d => d.NotificationId).ToArray() },
                new() { Value = writes.Select(w => w.ExpectedAttempts).ToArray() },
                new() { Value = deliveries.Select(d => d.Status).ToArray() },
                new() { Value = deliveries.Select(d => d.Attempts).ToArray() },
                new() { Value = deliveries.Select(d => d.LastError).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = deliveries.Select(d => d.LastStatusCode).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
                new() { Value = deliveries.Select(d => d.UpdatedAt).ToArray() },
                new() { Value = deliveries.Select(d => d.DeliveredAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                new() { Value = deliveries.Select(d => d.NextAttemptAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                new() { Value = attempts.Select(w => w.Attempt!.NotificationId).ToArray() },
                new() { Value = attempts.Select(w => w.Attempt!.Attempt).ToArray() },
                new() { Value = attempts.Select(w => w.Attempt!.StartedAt).ToArray() },
                new() { Value = attempts.Select(w => w.Attempt!.DurationMs).ToArray() },
                new() { Value = attempts.Select(w => w.Attempt!.StatusCode).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
                new() { Value = attempts.Select(w => w.Attempt!.Error).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = attempts.Select(w => w.Attempt!.Outcome).ToArray() },
                new() { Value = events.Select(w => w.Delivery.NotificationId).ToArray() },
                new() { Value = events.Select(w => w.Event!.MessageId).ToArray() },
                new() { Value = events.Select(w => w.Event!.MessageType).ToArray() },
                new() { Value = events.Select(w => w.Event!.Body).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                new() { Value = events.Select(w => w.Event!.CreatedAt).ToArray() },
            },
        };
        var updated = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            updated.Add(reader.GetGuid(0));
        return updated;
    }

    public ValueTask DisposeAsync() => commit.DisposeAsync();
}
