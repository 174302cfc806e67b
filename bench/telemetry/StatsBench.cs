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
    /// The generated data is kept in a database of its own (bench_telemetry_stats_<monitors>) and reused by the next
    /// run: when it is at most two days old the raw results are topped up to now (and rolled up), otherwise, or
    /// with fresh = true, or when the schema has moved on, it is generated again (several minutes).
    public static async Task RunAsync(int monitorCount, int queries, bool fresh)
    {
        var name = $"bench_telemetry_stats_{monitorCount}";
        var connectionString = new NpgsqlConnectionStringBuilder(TestInfrastructure.PostgresAdmin) { Database = name, CommandTimeout = 900 }.ConnectionString;
        var (tenant, monitors, rawTo) = fresh ? default : await ExistingAsync(connectionString);
        var now = DateTimeOffset.UtcNow;
        if (monitors is null || rawTo < now.AddDays(-2))
        {
            await RecreateAsync(name);
            (tenant, monitors) = (Guid.NewGuid(), Enumerable.Range(0, monitorCount).Select(_ => Guid.NewGuid()).ToArray());
            await GenerateAsync(connectionString, tenant, monitors, now);
        }
        else
            await TopUpAsync(connectionString, tenant, monitors, rawTo, now);
        await QueryAsync(connectionString, tenant, monitors, queries);
    }

    static async Task<(Guid Tenant, Guid[]? Monitors, DateTimeOffset RawTo)> ExistingAsync(string connectionString)
    {
        try
        {
            await using (var db = Bench.Db(connectionString))
                if ((await db.Database.GetPendingMigrationsAsync()).Any())
                    return default;
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var meta = new NpgsqlCommand("select tenant_id, monitor_ids, raw_to from public.bench_meta", connection);
            await using var reader = await meta.ExecuteReaderAsync();
            return await reader.ReadAsync()
                ? (reader.GetGuid(0), reader.GetFieldValue<Guid[]>(1), reader.GetFieldValue<DateTimeOffset>(2))
                : default;
        }
        catch (PostgresException)
        {
            return default; // no such database, or an unfinished one without its meta row
        }
    }

    static async Task RecreateAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestInfrastructure.PostgresAdmin);
        await admin.OpenAsync();
        await using (var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", admin))
            await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"create database \"{name}\"", admin))
            await create.ExecuteNonQueryAsync();
    }

    static async Task<TimeSpan> SqlAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        var clock = Stopwatch.StartNew();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 900 };
        foreach (var p in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        await command.ExecuteNonQueryAsync();
        return clock.Elapsed;
    }

    static DateTimeOffset FloorMinute(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    /// Day partitions from `from` to a week past `to`, then one result per monitor and minute in [from, to), marked
    /// for the rollups as the ingest would, and rolled up by the real RollupWriter.
    static async Task AddRawAsync(NpgsqlConnection connection, string connectionString, Guid tenant, Guid[] monitors,
        DateTimeOffset from, DateTimeOffset to)
    {
        for (var day = Day(from); day <= Day(to).AddDays(7); day = day.AddDays(1))
            await SqlAsync(connection, string.Create(CultureInfo.InvariantCulture,
                $"create table if not exists telemetry.{PartitionManager.NameOf(DateOnly.FromDateTime(day.UtcDateTime))} partition of telemetry.ping_results for values from ('{day:yyyy-MM-dd}') to ('{day.AddDays(1):yyyy-MM-dd}')"));

        var rawTime = TimeSpan.Zero;
        for (var day = from; day < to; day = Day(day).AddDays(1))
            rawTime += await SqlAsync(connection, """
                insert into telemetry.ping_results (check_id, monitor_id, tenant_id, up, status_code, latency_ms, due_at, checked_at)
                select gen_random_uuid(), m, $2, random() > 0.002, 200, 20 + 400 * random() ^ 4, t, t + interval '30 milliseconds'
                from unnest($1::uuid[]) m, generate_series($3::timestamptz, $4::timestamptz - interval '1 minute', interval '1 minute') t
                """, monitors, tenant, day, Day(day).AddDays(1) < to ? Day(day).AddDays(1) : to);
        var rows = (long)((to - from).TotalMinutes * monitors.Length);
        Console.WriteLine($"stats.generate   raw rows={rows}  in {rawTime.TotalSeconds:0} s ({rows / Math.Max(rawTime.TotalSeconds, 0.001):0} rows/s, INSERT … SELECT)");

        await SqlAsync(connection, """
            insert into telemetry.rollup_pending (tenant_id, monitor_id, hour_start)
            select $2, m, h from unnest($1::uuid[]) m, generate_series(date_trunc('hour', $3::timestamptz, 'UTC'), $4::timestamptz, interval '1 hour') h
            on conflict do nothing
            """, monitors, tenant, from, to.AddHours(-1));
        var rollupClock = Stopwatch.StartNew();
        int hours = 0, passes = 0;
        await using (var db = Bench.Db(connectionString))
        {
            var writer = new RollupWriter(db, TimeProvider.System);
            for (; passes < 200 && rollupClock.Elapsed < TimeSpan.FromMinutes(15); passes++)
            {
                var progress = await writer.RollUpAsync(DateTimeOffset.UtcNow, 5_000, CancellationToken.None);
                hours += progress.Hours;
                if (progress.Hours == 0)
                    break;
            }
        }
        Console.WriteLine($"stats.rollup     {hours} monitor-hours rolled up in {rollupClock.Elapsed.TotalSeconds:0.0} s " +
            $"({hours / rollupClock.Elapsed.TotalSeconds:0} hours/s, {passes} transactions)");
    }

    static DateTimeOffset Day(DateTimeOffset t) => new(t.UtcDateTime.Date, TimeSpan.Zero);

    static async Task GenerateAsync(string connectionString, Guid tenant, Guid[] monitors, DateTimeOffset now)
    {
        await using (var db = Bench.Db(connectionString))
            await db.Database.MigrateAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var today = Day(now);
        var rawFrom = today.AddDays(-7);
        var rawTo = FloorMinute(now);
        await AddRawAsync(connection, connectionString, tenant, monitors, rawFrom, rawTo);

        var oldFrom = today.AddDays(-366);
        var oldTime = TimeSpan.Zero;
        for (var chunk = oldFrom; chunk < rawFrom; chunk = chunk.AddDays(30))
        {
            var chunkEnd = chunk.AddDays(30) < rawFrom ? chunk.AddDays(30) : rawFrom;
            oldTime += await SqlAsync(connection, """
                insert into telemetry.rollup_hourly
                select $2, m, h, 60, 60 - (random() < 0.02)::int, 20, 400, 60 * 60.0, 55, 180, 350, h, true,
                       h + interval '59 minutes', true, 0, '{320,340,360,380,400}', '{12,12,12,12,12}', now()
                from unnest($1::uuid[]) m, generate_series($3::timestamptz, $4::timestamptz - interval '1 hour', interval '1 hour') h
                """, monitors, tenant, chunk, chunkEnd);
            oldTime += await SqlAsync(connection, """
                insert into telemetry.rollup_daily
                select $2, m, d, 1440, 1440 - (random() < 0.2)::int, 20, 400, 1440 * 60.0, 55, 180, 350, d, true,
                       d + interval '1439 minutes', true, 0, '{320,340,360,380,400}', '{288,288,288,288,288}', now()
                from unnest($1::uuid[]) m, generate_series($3::timestamptz, $4::timestamptz - interval '1 day', interval '1 day') d
                """, monitors, tenant, chunk, chunkEnd);
        }
        await SqlAsync(connection, "vacuum analyze");
        await using var count = new NpgsqlCommand("""
            select (select count(*) from telemetry.rollup_hourly), (select count(*) from telemetry.rollup_daily),
                   pg_database_size(current_database()) / 1048576
            """, connection);
        await using (var reader = await count.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Console.WriteLine($"stats.generate   rollups hourly={reader.GetInt64(0)} daily={reader.GetInt64(1)} in {oldTime.TotalSeconds:0} s; " +
                $"database size {reader.GetInt64(2)} MB");
        }
        await SqlAsync(connection, "create table public.bench_meta (tenant_id uuid not null, monitor_ids uuid[] not null, raw_to timestamptz not null)");
        await SqlAsync(connection, "insert into public.bench_meta values ($1, $2, $3)", tenant, monitors, rawTo);
    }

    /// Reuses the data of an earlier run: the minutes since it was made get their raw results and rollups.
    static async Task TopUpAsync(string connectionString, Guid tenant, Guid[] monitors, DateTimeOffset rawTo, DateTimeOffset now)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var to = FloorMinute(now);
        Console.WriteLine($"stats.reuse      data of an earlier run (raw results up to {rawTo:u}); topping up {(to - rawTo).TotalMinutes:0} minutes");
        if (to > rawTo)
        {
            await AddRawAsync(connection, connectionString, tenant, monitors, rawTo, to);
            await SqlAsync(connection, "analyze telemetry.ping_results");
            await SqlAsync(connection, "update public.bench_meta set raw_to = $1", to);
        }
    }

    static async Task QueryAsync(string connectionString, Guid tenant, Guid[] monitors, int queries)
    {
        var random = new Random(1);
        var options = Options.Create(new TelemetryOptions());
        var windows = new[] { ("24h", (string?)null), ("7d", null), ("30d", null), ("365d", null), ("90d", "1d") };
        // One pass over every window first, so that JIT compilation (tiered, with PGO) is not billed to the first
        // window measured.
        await using (var warm = Bench.Db(connectionString))
        {
            var warmReader = new StatsReader(warm, TimeProvider.System, options);
            foreach (var (window, series) in windows)
                for (var i = 0; i < 50; i++)
                    await warmReader.ReadAsync(tenant, monitors[random.Next(monitors.Length)], StatsRequest.Parse(window, series, out _)!, CancellationToken.None);
        }
        foreach (var (window, series) in windows)
        {
            var request = StatsRequest.Parse(window, series, out _)!;
            var load = Bench.LoadAverage();
            var cpu = await Bench.CpuMeter.StartAsync(connectionString, null);
            var all = Stopwatch.StartNew();
            var latencies = new List<double>(queries);
            await using var db = Bench.Db(connectionString);
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
            var elapsed = all.Elapsed;
            latencies.Sort();
            var cpuLine = (await cpu.StopAsync(queries + 20, elapsed)).Replace("CPU per result", "CPU per query", StringComparison.Ordinal);
            Console.WriteLine($"stats.query      window={window,-5}{(series is null ? "" : " series=" + series)} queries={queries}  " +
                $"p50={Bench.Percentile(latencies, 0.5):0.00} ms  p95={Bench.Percentile(latencies, 0.95):0.00} ms  " +
                $"p99={Bench.Percentile(latencies, 0.99):0.00} ms  load {load}");
            Console.WriteLine($"                 {cpuLine}");
        }
    }
}
