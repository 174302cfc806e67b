using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Sentinel.TelemetryIngest.Pings;

/// Deletes pings older than Telemetry:PingRetentionDays, in chunks so that no transaction holds many row locks or
/// runs long while pings keep arriving; a large backlog is worked off over a few maintenance passes.
public sealed class PingRetention(TelemetryDb db, TimeProvider clock, IOptions<TelemetryOptions> options, ILogger<PingRetention> log)
{
    const int RowsPerChunk = 20_000;
    const int MaxChunksPerRun = 50;

    public async Task<int> DeleteExpiredAsync(CancellationToken ct)
    {
        var keptFrom = clock.GetUtcNow().AddDays(-options.Value.PingRetentionDays);
        var deleted = 0;
        for (var i = 0; i < MaxChunksPerRun; i++)
        {
            var chunk = await db.Database.ExecuteSqlAsync($"""
                delete from telemetry.heartbeat_pings where ctid = any(array(
                    select ctid from telemetry.heartbeat_pings where received_at < {keptFrom} limit {RowsPerChunk}))
                """, ct);
            deleted += chunk;
            if (chunk < RowsPerChunk)
                break;
        }
        if (deleted > 0)
            log.LogInformation("Deleted {Rows} heartbeat pings older than {PingRetentionDays} days", deleted, options.Value.PingRetentionDays);
        return deleted;
    }
}
