using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sentinel.TelemetryIngest.Partitions;
using Sentinel.TelemetryIngest.Rollups;

namespace Sentinel.TelemetryIngest.Maintenance;

/// One maintenance pass: create partitions ahead, fold pending hours into rollups, drop expired partitions.
/// Every replica schedules it, but a PostgreSQL session advisory lock lets only one run at a time; the others
/// skip their turn. The lock lives on its own connection, so it is released even if the pass fails midway
/// (the connection closes) and it cannot be confused with the work's own transactions.
public sealed class MaintenanceRunner(
    TelemetryDb db, PartitionManager partitions, RollupWriter rollups, TimeProvider clock,
    ILogger<MaintenanceRunner> log)
{
    /// Arbitrary but fixed: "telemetry maintenance" for every replica of this service on one database.
    public const long LockKey = 0x7E1E_4E7A_0001;

    const int HoursPerTransaction = 5_000;
    const int MaxTransactionsPerRun = 200;

    /// Returns false when another runner holds the lock and this one did nothing.
    public async Task<bool> RunAsync(CancellationToken ct)
    {
        await using var lockConnection = new NpgsqlConnection(db.Database.GetConnectionString());
        await lockConnection.OpenAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_try_advisory_lock($1)", lockConnection))
        {
            take.Parameters.Add(new() { Value = LockKey });
            if (!(bool)(await take.ExecuteScalarAsync(ct))!)
            {
                log.LogInformation("Telemetry maintenance skipped: another runner holds the lock");
                return false;
            }
        }
        try
        {
            await RunLockedAsync(ct);
            return true;
        }
        finally
        {
            await using var release = new NpgsqlCommand("select pg_advisory_unlock($1)", lockConnection);
            release.Parameters.Add(new() { Value = LockKey });
            await release.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    async Task RunLockedAsync(CancellationToken ct)
    {
        var started = clock.GetTimestamp();

        // Partitions first, so that results arriving from now on land in their day's partition.
        var created = await partitions.EnsureAsync(ct);

        // Roll up before dropping, so the last hours of an expiring day are in the rollups before their raw rows go.
        var now = clock.GetUtcNow();
        int hours = 0, days = 0;
        for (var i = 0; i < MaxTransactionsPerRun; i++)
        {
            var progress = await rollups.RollUpAsync(now, HoursPerTransaction, ct);
            hours += progress.Hours;
            days += progress.Days;
            if (progress.Hours < HoursPerTransaction)
                break;
        }

        var dropped = await partitions.DropExpiredAsync(ct);
        log.LogInformation(
            "Telemetry maintenance: {Created} partitions created, {Hours} hours and {Days} days rolled up, {Dropped} partitions dropped in {ElapsedMs:0} ms",
            created.Count, hours, days, dropped.Count, clock.GetElapsedTime(started).TotalMilliseconds);
    }
}
