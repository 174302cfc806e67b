using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Sentinel.Contracts;
using Sentinel.TelemetryIngest.Ingest;

namespace Sentinel.TelemetryIngest.Pings;

/// Stores pings with one binary COPY straight into the table, encoded by CopyEncoder as results are: the cheapest
/// way into PostgreSQL per row, which at thousands of pings a second is most of Telemetry-Ingest's share of the
/// database. A batch holding a ping stored before (a redelivery, or a ping in two batches) fails the COPY on the
/// primary key as a whole, and then goes again as one INSERT … SELECT FROM unnest(column arrays) ON CONFLICT (ping_id)
/// DO NOTHING, so it is stored once. Not COPY into a staging table: creating and dropping a temporary table per batch
/// writes PostgreSQL's catalog every time, which cost more CPU than the rows themselves.
public sealed class HeartbeatPingWriter(TelemetryDb db)
{
    const string Insert = """
        insert into telemetry.heartbeat_pings (ping_id, monitor_id, tenant_id, kind, received_at, method, source_ip,
            user_agent, body, body_truncated, exit_status, run_id, message, reported_latency_ms)
        select * from unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        on conflict (ping_id) do nothing
        """;

    const string Copy = """
        copy telemetry.heartbeat_pings (ping_id, monitor_id, tenant_id, kind, received_at, method, source_ip,
            user_agent, body, body_truncated, exit_status, run_id, message, reported_latency_ms) from stdin (format binary)
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
            try
            {
                return await CopyAsync(connection, pings, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return await InsertNewAsync(connection, pings, ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static async Task<int> CopyAsync(NpgsqlConnection connection, IReadOnlyCollection<HeartbeatPing> pings, CancellationToken ct)
    {
        // Completing the COPY (on dispose) is where PostgreSQL reports a unique violation.
        await using (var copy = await connection.BeginRawBinaryCopyAsync(Copy, ct))
            await CopyEncoder.WriteAsync(copy, pings.Select(Clean), ct);
        return pings.Count;
    }

    static HeartbeatPing Clean(HeartbeatPing p) =>
        p.SourceIp?.Contains('\0') == true || p.UserAgent?.Contains('\0') == true || p.Body?.Contains('\0') == true
            || p.Message?.Contains('\0') == true
            ? p with { SourceIp = Text(p.SourceIp), UserAgent = Text(p.UserAgent), Body = Text(p.Body), Message = Text(p.Message) }
            : p;

    static async Task<int> InsertNewAsync(NpgsqlConnection connection, IReadOnlyCollection<HeartbeatPing> pings, CancellationToken ct)
    {
        var n = pings.Count;
        var pingIds = new Guid[n];
        var monitorIds = new Guid[n];
        var tenantIds = new Guid[n];
        var kinds = new string[n];
        var receivedAts = new DateTimeOffset[n];
        var methods = new string[n];
        var sourceIps = new string?[n];
        var userAgents = new string?[n];
        var bodies = new string?[n];
        var truncated = new bool[n];
        var exitStatuses = new int?[n];
        var runIds = new Guid?[n];
        var messages = new string?[n];
        var latencies = new double?[n];
        var i = 0;
        foreach (var p in pings)
        {
            pingIds[i] = p.PingId;
            monitorIds[i] = p.MonitorId;
            tenantIds[i] = p.TenantId;
            kinds[i] = p.Kind;
            receivedAts[i] = p.ReceivedAt.ToUniversalTime();
            methods[i] = p.Method;
            sourceIps[i] = Text(p.SourceIp);
            userAgents[i] = Text(p.UserAgent);
            bodies[i] = Text(p.Body);
            truncated[i] = p.BodyTruncated;
            exitStatuses[i] = p.ExitStatus;
            runIds[i] = p.RunId;
            messages[i] = Text(p.Message);
            latencies[i] = p.ReportedLatencyMs;
            i++;
        }
        await using var insert = new NpgsqlCommand(Insert, connection)
        {
            Parameters =
            {
                new() { Value = pingIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new() { Value = monitorIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new() { Value = tenantIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new() { Value = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = receivedAts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                new() { Value = methods, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = sourceIps, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = userAgents, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = bodies, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = truncated, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean },
                new() { Value = exitStatuses, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
                new() { Value = runIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new() { Value = messages, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = latencies, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double },
            },
        };
        return await insert.ExecuteNonQueryAsync(ct);
    }

    // PostgreSQL text cannot hold NUL; a body is whatever a job sent, so one stray byte must not poison the batch.
    static string? Text(string? value) => value is null || !value.Contains('\0') ? value : value.Replace('\0', '\uFFFD');
}
