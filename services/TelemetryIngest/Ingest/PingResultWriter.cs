using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Ingest;

/// Stores results with binary COPY (encoded by CopyEncoder): one round trip per batch instead of one INSERT per row.
/// Fast path (every batch that is not a redelivery): COPY straight into ping_results, whose primary key
/// (monitor_id, due_at, check_id) rejects a result stored before; the hours to roll up are computed here from the
/// batch and marked in one statement. A redelivered result makes the COPY fail with a unique violation; the
/// transaction is then rolled back and the batch goes the slow path: COPY into a transaction-scoped staging table,
/// merged with ON CONFLICT DO NOTHING, marking only the rows really inserted. Either way a result is stored once.
/// The fast path skips the staging table's DDL, its second copy of every row and the anti-join of the merge, which
/// was most of the database's work per result.
public sealed class PingResultWriter(TelemetryDb db)
{
    const string Columns = "check_id, monitor_id, tenant_id, up, status_code, latency_ms, error, due_at, checked_at, location, unknown";

    const string CreateStaging = """
        create temp table ping_results_staging (
            check_id uuid not null,
            monitor_id uuid not null,
            tenant_id uuid not null,
            up boolean not null,
            status_code integer,
            latency_ms double precision not null,
            error text,
            due_at timestamptz not null,
            checked_at timestamptz not null,
            location text,
            unknown boolean not null
        ) on commit drop
        """;

    // Only rows that were really inserted mark their hour for the rollups, in the same statement, so a late result
    // for an hour already rolled up is folded in on the next maintenance run. Pending rows are inserted in key order
    // so that two concurrent batches touching the same hours lock them in the same order and cannot deadlock.
    const string Merge = $"""
        with inserted as (
            insert into telemetry.ping_results ({Columns})
            select {Columns} from ping_results_staging
            on conflict do nothing
            returning tenant_id, monitor_id, due_at, location
        ), pending as (
            insert into telemetry.rollup_pending (tenant_id, monitor_id, hour_start, location)
            select distinct tenant_id, monitor_id, date_trunc('hour', due_at, 'UTC'), coalesce(location, '') from inserted
            order by 1, 2, 3, 4
            on conflict do nothing
        )
        select count(*)::int from inserted
        """;

    // The marks of the fast path, from arrays built here (sorted, so concurrent batches lock in the same order).
    const string MarkPending = """
        insert into telemetry.rollup_pending (tenant_id, monitor_id, hour_start, location)
        select * from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[])
        on conflict do nothing
        """;

    /// Returns how many of the results were new.
    public async Task<int> WriteAsync(IReadOnlyCollection<MonitorChecked> results, CancellationToken ct)
    {
        if (results.Count == 0)
            return 0;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            try
            {
                return await WriteNewAsync(connection, results, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // At least one result was stored before (a redelivery): the whole transaction was rolled back.
                return await MergeAsync(connection, results, ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static async Task<int> WriteNewAsync(NpgsqlConnection connection, IReadOnlyCollection<MonitorChecked> results, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await CopyAsync(connection, "telemetry.ping_results", results, ct);

        var hours = new SortedSet<(Guid Tenant, Guid Monitor, DateTimeOffset Hour, string Location)>(HourOrder);
        foreach (var r in results)
            hours.Add((r.TenantId, r.MonitorId, Time.FloorHour(r.DueAt), r.Location ?? ""));
        await using (var mark = new NpgsqlCommand(MarkPending, connection, transaction))
        {
            mark.Parameters.Add(new() { Value = hours.Select(h => h.Tenant).ToArray() });
            mark.Parameters.Add(new() { Value = hours.Select(h => h.Monitor).ToArray() });
            mark.Parameters.Add(new() { Value = hours.Select(h => h.Hour).ToArray() });
            mark.Parameters.Add(new() { Value = hours.Select(h => h.Location).ToArray() });
            await mark.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return results.Count;
    }

    // Any fixed order will do, as long as every batch uses the same one.
    static readonly Comparer<(Guid Tenant, Guid Monitor, DateTimeOffset Hour, string Location)> HourOrder =
        Comparer<(Guid Tenant, Guid Monitor, DateTimeOffset Hour, string Location)>.Create((a, b) =>
            a.Tenant.CompareTo(b.Tenant) is not 0 and var t ? t
            : a.Monitor.CompareTo(b.Monitor) is not 0 and var m ? m
            : a.Hour.CompareTo(b.Hour) is not 0 and var h ? h
            : string.CompareOrdinal(a.Location, b.Location));

    static async Task<int> MergeAsync(NpgsqlConnection connection, IReadOnlyCollection<MonitorChecked> results, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var create = new NpgsqlCommand(CreateStaging, connection, transaction))
            await create.ExecuteNonQueryAsync(ct);
        await CopyAsync(connection, "ping_results_staging", results, ct);
        int inserted;
        await using (var merge = new NpgsqlCommand(Merge, connection, transaction))
            inserted = (int)(await merge.ExecuteScalarAsync(ct))!;
        await transaction.CommitAsync(ct);
        return inserted;
    }

    static async Task CopyAsync(NpgsqlConnection connection, string table, IReadOnlyCollection<MonitorChecked> results, CancellationToken ct)
    {
        // Completing the COPY (on dispose) is where PostgreSQL reports a unique violation.
        await using var copy = await connection.BeginRawBinaryCopyAsync($"copy {table} ({Columns}) from stdin (format binary)", ct);
        await CopyEncoder.WriteAsync(copy, results, ct);
    }
}
