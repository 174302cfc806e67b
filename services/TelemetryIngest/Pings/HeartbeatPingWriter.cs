using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Pings;

/// Stores pings with binary COPY into a transaction-scoped staging table, merged with ON CONFLICT DO NOTHING on the
/// ping id: one round trip per batch, and a redelivered batch (or a ping in two batches) is stored once.
public sealed class HeartbeatPingWriter(TelemetryDb db)
{
    const string CreateStaging = """
        create temp table heartbeat_pings_staging (like telemetry.heartbeat_pings including defaults) on commit drop
        """;

    const string Copy = """
        copy heartbeat_pings_staging (ping_id, monitor_id, tenant_id, kind, received_at, method, source_ip, user_agent,
            body, body_truncated, exit_status, run_id, message, reported_latency_ms)
        from stdin (format binary)
        """;

    const string Merge = """
        insert into telemetry.heartbeat_pings
        select * from heartbeat_pings_staging
        on conflict (ping_id) do nothing
        """;

    /// Returns how many of the pings were new.
    public async Task<int> WriteAsync(IReadOnlyCollection<HeartbeatPing> pings, CancellationToken ct)
    {
        if (pings.Count == 0)
            return 0;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct);

            await using (var create = new NpgsqlCommand(CreateStaging, connection, transaction))
                await create.ExecuteNonQueryAsync(ct);

            await using (var importer = await connection.BeginBinaryImportAsync(Copy, ct))
            {
                foreach (var p in pings)
                {
                    await importer.StartRowAsync(ct);
                    await importer.WriteAsync(p.PingId, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(p.MonitorId, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(p.TenantId, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(p.Kind, NpgsqlDbType.Text, ct);
                    await importer.WriteAsync(p.ReceivedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                    await importer.WriteAsync(p.Method, NpgsqlDbType.Text, ct);
                    await WriteNullableAsync(importer, Text(p.SourceIp), NpgsqlDbType.Text, ct);
                    await WriteNullableAsync(importer, Text(p.UserAgent), NpgsqlDbType.Text, ct);
                    await WriteNullableAsync(importer, Text(p.Body), NpgsqlDbType.Text, ct);
                    await importer.WriteAsync(p.BodyTruncated, NpgsqlDbType.Boolean, ct);
                    await WriteNullableAsync(importer, p.ExitStatus, NpgsqlDbType.Integer, ct);
                    await WriteNullableAsync(importer, p.RunId, NpgsqlDbType.Uuid, ct);
                    await WriteNullableAsync(importer, Text(p.Message), NpgsqlDbType.Text, ct);
                    await WriteNullableAsync(importer, p.ReportedLatencyMs, NpgsqlDbType.Double, ct);
                }
                await importer.CompleteAsync(ct);
            }

            int inserted;
            await using (var merge = new NpgsqlCommand(Merge, connection, transaction))
                inserted = await merge.ExecuteNonQueryAsync(ct);

            await transaction.CommitAsync(ct);
            return inserted;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    // PostgreSQL text cannot hold NUL; a body is whatever a job sent, so one stray byte must not poison the batch.
    static string? Text(string? value) => value is null || !value.Contains('\0') ? value : value.Replace('\0', '\uFFFD');

    static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);
}
