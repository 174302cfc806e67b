using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Sentinel.TelemetryIngest;
using Sentinel.TelemetryIngest.Partitions;
using Sentinel.TelemetryIngest.Rollups;
using Sentinel.TelemetryIngest.Stats;
using Sentinel.Testing;

namespace Sentinel.Bench.Telemetry;

/// Stats query latency on generated data: monitors × 7 days of 1-minute raw results (in day partitions, rolled up by
/// the real RollupWriter), plus hourly and daily rollups for the 358 days before, generated in SQL.
static class StatsBench
{
    public static async Task RunAsync(int monitorCount, int queries)
    {
        await using var database = await TestDatabase.CreateAsync("bench_telemetry_stats");
        await using (var db = Bench.Db(database.ConnectionString))
            await db.Database.MigrateAsync();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        async Task<TimeSpan> Sql(string sql, params object[] parameters)
        {
            var clock = Stopwatch.StartNew();
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 900 };
            foreach (var p in parameters)
                command.Parameters.Add(new NpgsqlParameter { Value = p });
            await command.ExecuteNonQueryAsync();
            return clock.Elapsed;
        }

        var tenant = Guid.NewGuid();
        var monitors = Enumerable.Range(0, monitorCount).Select(_ => Guid.NewGuid()).ToArray();
        var now = DateTimeOffset.UtcNow;
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var rawFrom = today.AddDays(-7);
        var rawTo = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

        for (var day = rawFrom; day <= today.AddDays(7); day = day.AddDays(1))
            await Sql(string.Create(CultureInfo.InvariantCulture,
                $"create table telemetry.{PartitionManager.NameOf(DateOnly.FromDateTime(day.UtcDateTime))} partition of telemetry.ping_results for values from ('{day:yyyy-MM-dd}') to ('{day.AddDays(1):yyyy-MM-dd}')"));

        var rawTime = TimeSpan.Zero;
        for (var day = rawFrom; day < rawTo; day = day.AddDays(1))
            rawTime += await Sql("""
                insert into telemetry.ping_results (check_id, monitor_id, tenant_id, up, status_code, latency_ms, due_at, checked_at)
                select gen_random_uuid(), m, $2, random() > 0.002, 200, 20 + 400 * random() ^ 4, t, t + interval '30 milliseconds'
                from unnest($1::uuid[]) m, generate_series($3::timestamptz, $4::timestamptz - interval '1 minute', interval '1 minute') t
                """, monitors, tenant, day, day.AddDays(1) < rawTo ? day.AddDays(1) : rawTo);
        var rawRows = await database.CountAsync("select count(*) from telemetry.ping_results");
        Console.WriteLine($"stats.generate   raw rows={rawRows}  in {rawTime.TotalSeconds:0} s ({rawRows / rawTime.TotalSeconds:0} rows/s, INSERT … SELECT)");

        // The raw week is rolled up by the real code, as if every hour had been marked by the ingest.
        await Sql("""
            insert into telemetry.rollup_pending (tenant_id, monitor_id, hour_start)
            select $2, m, h from unnest($1::uuid[]) m, generate_series($3::timestamptz, $4::timestamptz, interval '1 hour') h
            """, monitors, tenant, rawFrom, rawTo.AddHours(-1));
        var rollupClock = Stopwatch.StartNew();
        int hours = 0, passes = 0;
        await using (var db = Bench.Db(database.ConnectionString))
        {
            var writer = new RollupWriter(db, TimeProvider.System);
            for (; passes < 200 && rollupClock.Elapsed < TimeSpan.FromMinutes(15); passes++)
            {
                var progress = await writer.RollUpAsync(now, 5_000, CancellationToken.None);
                hours += progress.Hours;
                if (progress.Hours == 0)
                    break;
            }
        }
        Console.WriteLine($"stats.rollup     {hours} monitor-hours ({hours * 60} raw rows) rolled up in {rollupClock.Elapsed.TotalSeconds:0.0} s " +
            $"({hours / rollupClock.Elapsed.TotalSeconds:0} hours/s, {passes} transactions)");

        var oldFrom = today.AddDays(-366);
        var oldTime = TimeSpan.Zero;
        for (var chunk = oldFrom; chunk < rawFrom; chunk = chunk.AddDays(30))
        {
            var chunkEnd = chunk.AddDays(30) < rawFrom ? chunk.AddDays(30) : rawFrom;
            oldTime += await Sql("""
                insert into telemetry.rollup_hourly
                select $2, m, h, 60, 60 - (random() < 0.02)::int, 20, 400, 60 * 60.0, 55, 180, 350, h, true,
                       h + interval '59 minutes', true, 0, '{320,340,360,380,400}', '{12,12,12,12,12}', now()
                from unnest($1::uuid[]) m, generate_series($3::timestamptz, $4::timestamptz - interval '1 hour', interval '1 hour') h
                """, monitors, tenant, chunk, chunkEnd);
            oldTime += await Sql("""
                insert into telemetry.rollup_daily
                select $2, m, d, 1440, 1440 - (random() < 0.2)::int, 20, 400, 1440 * 60.0, 55, 180, 350, d, true,
                       d + interval '1439 minutes', true, 0, '{320,340,360,380,400}', '{288,288,288,288,288}', now()
                from unnest($1::uuid[]) m, generate_series($3::timestamptz, $4::timestamptz - interval '1 day', interval '1 day') d
                """, monitors, tenant, chunk, chunkEnd);
        }
        await Sql("vacuum analyze");
        Console.WriteLine($"stats.generate   rollups hourly={await database.CountAsync("select count(*) from telemetry.rollup_hourly")} " +
            $"daily={await database.CountAsync("select count(*) from telemetry.rollup_daily")} in {oldTime.TotalSeconds:0} s; " +
            $"database size {await database.CountAsync("select pg_database_size(current_database()) / 1048576")} MB");

        var random = new Random(1);
        var options = Options.Create(new TelemetryOptions());
        foreach (var window in new[] { "24h", "7d", "30d", "365d" })
        {
            var request = StatsRequest.Parse(window, null, out _)!;
            var latencies = new List<double>(queries);
            await using var db = Bench.Db(database.ConnectionString);
            var reader = new StatsReader(db, TimeProvider.System, options);
            for (var i = 0; i < queries + 20; i++)
            {
                var clock = Stopwatch.StartNew();
                var stats = await reader.ReadAsync(tenant, monitors[random.Next(monitors.Length)], request, CancellationToken.None);
                if (i >= 20) // the first few warm the connection pool and plan caches
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                if (stats.Checks == 0)
                    throw new InvalidOperationException("a generated monitor has no checks");
            }
            latencies.Sort();
            Console.WriteLine($"stats.query      window={window,-5} queries={queries}  p50={Bench.Percentile(latencies, 0.5):0.00} ms  " +
                $"p95={Bench.Percentile(latencies, 0.95):0.00} ms  p99={Bench.Percentile(latencies, 0.99):0.00} ms");
        }
    }
}
