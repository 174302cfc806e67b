using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Pings;

/// Stores pings with one INSERT … SELECT FROM unnest(column arrays) ON CONFLICT (ping_id) DO NOTHING: one round trip
/// and one statement per batch, and a redelivered batch (or a ping in two batches) is stored once. Not COPY into a
/// staging table: creating and dropping a temporary table per batch writes PostgreSQL's catalog every time, which
/// cost more CPU than the rows themselves at thousands of pings a second.
public sealed class HeartbeatPingWriter(TelemetryDb db)
{
    const string Insert = """
        insert into telemetry.heartbeat_pings (ping_id, monitor_id, tenant_id, kind, received_at, method, source_ip,
            user_agent, body, body_truncated, exit_status, run_id, message, reported_latency_ms)
        select * from unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        on conflict (ping_id) do nothing
        """;

    /// Returns how many of the pings were new.
    public async Task<int> WriteAsync(IReadOnlyCollection<HeartbeatPing> pings, CancellationToken ct)
    {
        if (pings.Count == 0)
            return 0;
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

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var insert = new NpgsqlCommand(Insert, (NpgsqlConnection)db.Database.GetDbConnection())
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
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    // PostgreSQL text cannot hold NUL; a body is whatever a job sent, so one stray byte must not poison the batch.
    static string? Text(string? value) => value is null || !value.Contains('\0') ? value : value.Replace('\0', '\uFFFD');
}
