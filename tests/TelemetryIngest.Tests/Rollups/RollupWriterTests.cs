using Npgsql;
using Sentinel.Contracts;
using Sentinel.TelemetryIngest.Rollups;

namespace Sentinel.TelemetryIngest.Tests.Rollups;

public sealed class RollupWriterTests
{
    static readonly DateTimeOffset Start = new(2025, 6, 13, 21, 0, 0, TimeSpan.Zero);

    OwnDatabase own = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync() => own = await OwnDatabase.CreateAsync("telemetry_rollups");

    [OneTimeTearDown]
    public async Task DropDatabaseAsync() => await own.DisposeAsync();

    async Task<RollupProgress> RollUpAsync(DateTimeOffset now)
    {
        await using var db = own.NewDb();
        return await new RollupWriter(db, OwnDatabase.Clock(now)).RollUpAsync(now, 100_000, CancellationToken.None);
    }

    sealed record Row(
        DateTimeOffset Start, int Checks, int UpChecks, double? Min, double? Max, double Sum, double? P50, double? P95,
        double? P99, DateTimeOffset FirstAt, bool FirstUp, DateTimeOffset LastAt, bool LastUp, double DownSeconds,
        short[] Buckets, int[] Counts);

    async Task<List<Row>> RowsAsync(string table, string startColumn, Guid monitorId)
    {
        await using var connection = new NpgsqlConnection(own.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            select {startColumn}, checks, up_checks, latency_min, latency_max, latency_sum, p50, p95, p99, first_at, first_up,
                   last_at, last_up, down_seconds, histogram_buckets, histogram_counts
            from telemetry.{table} where monitor_id = $1 order by {startColumn}
            """, connection);
        command.Parameters.Add(new() { Value = monitorId });
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(new Row(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt32(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.IsDBNull(4) ? null : reader.GetDouble(4),
                reader.GetDouble(5), reader.IsDBNull(6) ? null : reader.GetDouble(6),
                reader.IsDBNull(7) ? null : reader.GetDouble(7), reader.IsDBNull(8) ? null : reader.GetDouble(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.GetBoolean(10), reader.GetFieldValue<DateTimeOffset>(11),
                reader.GetBoolean(12), reader.GetDouble(13), reader.GetFieldValue<short[]>(14), reader.GetFieldValue<int[]>(15)));
        return rows;
    }

    static void AssertMatches(Row row, BruteForce.Expected expected, bool exactPercentiles)
    {
        var at = $"rollup at {row.Start:O}";
        Assert.That(row.Checks, Is.EqualTo(expected.Checks), at);
        Assert.That(row.UpChecks, Is.EqualTo(expected.UpChecks), at);
        Assert.That(row.Min, Is.EqualTo(expected.Min), at);
        Assert.That(row.Max, Is.EqualTo(expected.Max), at);
        Assert.That(row.Sum, Is.EqualTo(expected.Sum).Within(1e-6), at);
        Assert.That(row.DownSeconds, Is.EqualTo(expected.DownSeconds).Within(1e-6), at);
        Assert.That((row.FirstAt, row.FirstUp, row.LastAt, row.LastUp),
            Is.EqualTo((expected.FirstAt, expected.FirstUp, expected.LastAt, expected.LastUp)), at);
        Assert.That(row.Counts.Sum(), Is.EqualTo(expected.UpChecks), at + ": every up check is in the histogram");
        if (expected.UpChecks == 0)
        {
            Assert.That(row.P50, Is.Null, at);
            return;
        }
        foreach (var (q, value) in new[] { (0.5, row.P50!.Value), (0.95, row.P95!.Value), (0.99, row.P99!.Value) })
            if (exactPercentiles)
                Assert.That(value, Is.EqualTo(BruteForce.PercentileCont(expected.SortedLatencies, q)).Within(1e-9), $"{at} p{q * 100}");
            else
                BruteForce.AssertApproximatePercentile(value, expected.SortedLatencies, q, $"{at} p{q * 100}");
    }

    [Test]
    public async Task Hourly_and_daily_rollups_equal_a_brute_force_computation_over_random_raw_results()
    {
        var random = new Random(20250613);
        var tenant = Guid.NewGuid();
        var monitors = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        var results = monitors.ToDictionary(m => m, m => BruteForce.RandomResults(random, tenant, m, Start, TimeSpan.FromHours(51)));
        await own.WriteAsync(results.Values.SelectMany(r => r).ToList());

        var progress = await RollUpAsync(Start.AddHours(52));

        Assert.That(progress.Hours, Is.EqualTo(3 * 51));
        Assert.That(progress.Days, Is.EqualTo(3 * 3)); // 13 June 21:00 to 16 June 00:00: three days, the first partial
        foreach (var monitor in monitors)
        {
            var hours = await RowsAsync("rollup_hourly", "hour_start", monitor);
            Assert.That(hours.Select(h => h.Start), Is.EqualTo(Enumerable.Range(0, 51).Select(h => Start.AddHours(h))));
            foreach (var hour in hours)
                AssertMatches(hour, BruteForce.Over(results[monitor], hour.Start, hour.Start.AddHours(1)), exactPercentiles: true);

            var days = await RowsAsync("rollup_daily", "day_start", monitor);
            Assert.That(days, Has.Count.EqualTo(3));
            foreach (var day in days)
                AssertMatches(day, BruteForce.Over(results[monitor], day.Start, day.Start.AddDays(1)), exactPercentiles: false);
        }
        Assert.That(await own.Database.CountAsync("select count(*) from telemetry.rollup_pending"), Is.Zero);
    }

    [Test]
    public async Task A_late_result_is_folded_into_an_hour_that_was_already_rolled_up()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        var hour = new DateTimeOffset(2025, 7, 1, 10, 0, 0, TimeSpan.Zero);
        await own.WriteAsync([
            OwnDatabase.Result(tenant, monitor, hour.AddMinutes(1), up: true, 100),
            OwnDatabase.Result(tenant, monitor, hour.AddMinutes(3), up: true, 300)]);
        await RollUpAsync(hour.AddHours(2));
        Assert.That((await RowsAsync("rollup_hourly", "hour_start", monitor)).Single().Checks, Is.EqualTo(2));

        // A down result for minute 2 arrives long after its hour was rolled up.
        await own.WriteAsync([OwnDatabase.Result(tenant, monitor, hour.AddMinutes(2), up: false, 9000)]);
        Assert.That(await own.Database.CountAsync($"select count(*) from telemetry.rollup_pending where monitor_id = '{monitor}'"),
            Is.EqualTo(1), "the stored late result marks its hour");
        var progress = await RollUpAsync(hour.AddHours(5));

        Assert.That(progress, Is.EqualTo(new RollupProgress(1, 1)));
        var rolled = (await RowsAsync("rollup_hourly", "hour_start", monitor)).Single();
        Assert.That((rolled.Checks, rolled.UpChecks, rolled.Min, rolled.Max, rolled.Sum, rolled.DownSeconds),
            Is.EqualTo((3, 2, 100.0, 300.0, 400.0, 60.0)));
        var day = (await RowsAsync("rollup_daily", "day_start", monitor)).Single();
        Assert.That((day.Checks, day.UpChecks, day.DownSeconds), Is.EqualTo((3, 2, 60.0)));
    }

    [Test]
    public async Task A_redelivered_result_does_not_mark_its_hour_again()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        var result = OwnDatabase.Result(tenant, monitor, new DateTimeOffset(2025, 7, 2, 10, 5, 0, TimeSpan.Zero), up: true, 10);
        await own.WriteAsync([result]);
        await RollUpAsync(result.DueAt.AddHours(2));

        Assert.That(await own.WriteAsync([result]), Is.Zero);

        Assert.That(await own.Database.CountAsync($"select count(*) from telemetry.rollup_pending where monitor_id = '{monitor}'"), Is.Zero);
    }

    [Test]
    public async Task The_current_hour_is_not_rolled_up_until_it_has_ended()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        var now = new DateTimeOffset(2025, 7, 3, 10, 30, 0, TimeSpan.Zero);
        await own.WriteAsync([OwnDatabase.Result(tenant, monitor, now.AddMinutes(-10), up: true, 10)]);

        await RollUpAsync(now);
        Assert.That(await RowsAsync("rollup_hourly", "hour_start", monitor), Is.Empty);

        await RollUpAsync(now.AddMinutes(30));
        Assert.That(await RowsAsync("rollup_hourly", "hour_start", monitor), Has.Count.EqualTo(1));
    }

    [Test]
    public void Histogram_percentiles_are_within_one_percent_of_the_exact_ones()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 5000).Select(_ => Math.Exp(random.NextDouble() * 10)).ToList();
        var histogram = new LatencyHistogram();
        foreach (var v in values)
            histogram.Add(v);
        values.Sort();

        foreach (var q in new[] { 0.0, 0.5, 0.9, 0.95, 0.99, 1.0 })
            BruteForce.AssertApproximatePercentile(histogram.Quantile(q)!.Value, values, q, $"q={q}");
        Assert.That(histogram.Count, Is.EqualTo(5000));
        Assert.That(new LatencyHistogram().Quantile(0.5), Is.Null);
    }

    [Test]
    public async Task PostgreSQL_puts_latencies_in_the_same_histogram_buckets_as_the_code()
    {
        double[] latencies = [0, 0.05, 0.1, 0.1001, 1, 12.345, 250, 1000, 30_000, 1e12];
        await using var connection = new NpgsqlConnection(own.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select {LatencyHistogram.SqlBucketOf} from unnest($1::float8[]) with ordinality as t(latency_ms, n) order by n", connection);
        command.Parameters.Add(new() { Value = latencies });
        var buckets = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            buckets.Add(reader.GetInt16(0));

        Assert.That(buckets, Is.EqualTo(latencies.Select(LatencyHistogram.BucketOf)));
        Assert.That(buckets[^1], Is.EqualTo(LatencyHistogram.MaxBucket));
    }
}
