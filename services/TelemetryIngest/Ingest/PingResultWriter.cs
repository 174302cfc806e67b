using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Ingest;

/// Stores results with binary COPY: one round trip per batch instead of one INSERT per row. COPY cannot skip
/// duplicates, so rows land in a transaction-scoped staging table first and are merged with ON CONFLICT DO NOTHING;
/// the primary key (check_id, due_at) makes a redelivered result a no-op.
public sealed class PingResultWriter(TelemetryDb db)
{
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
            checked_at timestamptz not null
        ) on commit drop
        """;

    const string Copy = """
        copy ping_results_staging (check_id, monitor_id, tenant_id, up, status_code, latency_ms, error, due_at, checked_at)
        from stdin (format binary)
        """;

    // Only rows that were really inserted mark their hour for the rollups, in the same statement, so a late result
    // for an hour already rolled up is folded in on the next maintenance run. Pending rows are inserted in key order
    // so that two concurrent batches touching the same hours lock them in the same order and cannot deadlock.
    const string Merge = """
        with inserted as (
            insert into telemetry.ping_results (check_id, monitor_id, tenant_id, up, status_code, latency_ms, error, due_at, checked_at)
            select check_id, monitor_id, tenant_id, up, status_code, latency_ms, error, due_at, checked_at
            from ping_results_staging
            on conflict do nothing
            returning tenant_id, monitor_id, due_at
        ), pending as (
            insert into telemetry.rollup_pending (tenant_id, monitor_id, hour_start)
            select distinct tenant_id, monitor_id, date_trunc('hour', due_at, 'UTC') from inserted
            order by 1, 2, 3
            on conflict do nothing
        )
        select count(*)::int from inserted
        """;

    /// Returns how many of the results were new.
    public async Task<int> WriteAsync(IReadOnlyCollection<MonitorChecked> results, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct);

            await using (var create = new NpgsqlCommand(CreateStaging, connection, transaction))
                await create.ExecuteNonQueryAsync(ct);

            await using (var importer = await connection.BeginBinaryImportAsync(Copy, ct))
            {
                foreach (var r in results)
                {
                    await importer.StartRowAsync(ct);
                    await importer.WriteAsync(r.CheckId, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(r.MonitorId, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(r.TenantId, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(r.Up, NpgsqlDbType.Boolean, ct);
                    await WriteNullableAsync(importer, r.StatusCode, NpgsqlDbType.Integer, ct);
                    await importer.WriteAsync(r.LatencyMs, NpgsqlDbType.Double, ct);
                    await WriteNullableAsync(importer, r.Error, NpgsqlDbType.Text, ct);
                    // timestamptz accepts only UTC offsets; the sender's offset carries no meaning here.
                    await importer.WriteAsync(r.DueAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                    await importer.WriteAsync(r.CheckedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                }
                await importer.CompleteAsync(ct);
            }

            int inserted;
            await using (var merge = new NpgsqlCommand(Merge, connection, transaction))
                inserted = (int)(await merge.ExecuteScalarAsync(ct))!;

            await transaction.CommitAsync(ct);
            return inserted;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);
}
