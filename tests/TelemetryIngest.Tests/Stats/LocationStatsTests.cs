using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.TelemetryIngest.Rollups;
using Sentinel.TelemetryIngest.Stats;
using Sentinel.TelemetryIngest.Tests.Rollups;

namespace Sentinel.TelemetryIngest.Tests.Stats;

/// One monitor checked from two locations, with unknown results (the Checker could not judge) mixed in: stats for
/// one location must equal the brute-force figures over that location's known results alone, from raw results and
/// from rollups alike, and unknown results must never count.
public sealed class LocationStatsTests
{
    static readonly DateTimeOffset Now = new(2025, 8, 20, 14, 45, 10, TimeSpan.Zero);
    static readonly DateTimeOffset ThisHour = new(2025, 8, 20, 14, 0, 0, TimeSpan.Zero);

    OwnDatabase own = null!;
    readonly Guid tenant = Guid.NewGuid();
    readonly Guid monitor = Guid.NewGuid();
    List<MonitorChecked> eu = null!;
    List<MonitorChecked> us = null!;
    List<MonitorChecked> unknown = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        own = await OwnDatabase.CreateAsync("telemetry_locations");
        var from = Now.AddDays(-9).AddMinutes(-13);
        eu = At(BruteForce.RandomResults(new Random(11), tenant, monitor, from, TimeSpan.FromDays(9)), "eu-west", TimeSpan.Zero);
        us = At(BruteForce.RandomResults(new Random(12), tenant, monitor, from, TimeSpan.FromDays(9)), "us-east", TimeSpan.FromSeconds(20));
        // Unknown results between the known ones, down and with huge latencies: counted, they would change every figure.
        unknown = [.. eu.Where((_, i) => i % 7 == 0).Select(r => r with
        {
            CheckId = Guid.NewGuid(), DueAt = r.DueAt.AddSeconds(40), CheckedAt = r.DueAt.AddSeconds(41), Up = false,
            LatencyMs = 99_999, Error = "checker canaries failed", Unknown = true,
        })];
        // Several batches, as the consumer would write them (the writer's fast path).
        foreach (var chunk in eu.Concat(us).Concat(unknown).Chunk(5_000))
            await own.WriteAsync(chunk);
        await using var db = own.NewDb();
        await new RollupWriter(db, new FakeTimeProvider(Now)).RollUpAsync(Now, 100_000, CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task DropDatabaseAsync() => await own.DisposeAsync();

    static List<MonitorChecked> At(List<MonitorChecked> results, string location, TimeSpan offset) =>
        [.. results.Select(r => r with
        {
            CheckId = Guid.NewGuid(), DueAt = r.DueAt + offset, CheckedAt = r.CheckedAt + offset, Location = location,
        })];

    async Task<MonitorStats> ReadAsync(string window, string? location, string? series = null)
    {
        await using var db = own.NewDb();
        var reader = new StatsReader(db, new FakeTimeProvider(Now), OwnDatabase.Options());
        return await reader.ReadAsync(tenant, monitor, StatsRequest.Parse(window, series, location, out _)!, CancellationToken.None);
    }

    [TestCase("1h", "eu-west")]
    [TestCase("24h", "eu-west")]
    [TestCase("24h", "us-east")]
    [TestCase("7d", "eu-west")]
    [TestCase("7d", "us-east")]
    [TestCase("30d", "us-east")]
    public async Task Stats_for_one_location_equal_a_brute_force_computation_over_its_known_results(string window, string location)
    {
        var stats = await ReadAsync(window, location);

        var mine = location == "eu-west" ? eu : us;
        var from = Now - StatsRequest.Windows[window];
        var expected = BruteForce.Over(mine, from < mine[0].DueAt ? mine[0].DueAt : from, Now);
        Assert.That(stats.Location, Is.EqualTo(location));
        Assert.That((stats.Checks, stats.UpChecks), Is.EqualTo((expected.Checks, expected.UpChecks)));
        Assert.That(stats.DowntimeSeconds, Is.EqualTo(BruteForce.Downtime(mine, stats.From, Now)).Within(1e-6));
        Assert.That((stats.Latency!.MinMs, stats.Latency.MaxMs), Is.EqualTo((expected.Min, expected.Max)));
        Assert.That(stats.Latency.AvgMs, Is.EqualTo(expected.Sum / expected.UpChecks).Within(1e-9));
        foreach (var (q, value) in new[] { (0.5, stats.Latency.P50Ms), (0.95, stats.Latency.P95Ms), (0.99, stats.Latency.P99Ms) })
            if (stats.PercentilesExact)
                Assert.That(value, Is.EqualTo(BruteForce.PercentileCont(expected.SortedLatencies, q)).Within(1e-9));
            else
                BruteForce.AssertApproximatePercentile(value, expected.SortedLatencies, q, $"p{q * 100}");
    }

    [TestCase("24h", null)]
    [TestCase("7d", null)]
    [TestCase("7d", "1d")]
    [TestCase("24h", "1h")]
    public async Task Without_a_location_counts_add_up_over_locations_and_downtime_is_their_mean(string window, string? series)
    {
        var stats = await ReadAsync(window, null, series);

        var from = Now - StatsRequest.Windows[window];
        var (e, u) = (BruteForce.Over(eu, from, Now), BruteForce.Over(us, from, Now));
        Assert.That(stats.Location, Is.Null);
        Assert.That((stats.Checks, stats.UpChecks), Is.EqualTo((e.Checks + u.Checks, e.UpChecks + u.UpChecks)));
        Assert.That(stats.DowntimeSeconds,
            Is.EqualTo((BruteForce.Downtime(eu, from, Now) + BruteForce.Downtime(us, from, Now)) / 2).Within(1e-6));
        Assert.That(stats.Latency!.MaxMs, Is.EqualTo(Math.Max(e.Max!.Value, u.Max!.Value)), "no unknown latency counts");
        if (stats.Buckets is { } buckets)
        {
            Assert.That(buckets.Sum(b => b.Checks), Is.EqualTo(stats.Checks));
            Assert.That(buckets.Sum(b => b.DowntimeSeconds), Is.EqualTo(stats.DowntimeSeconds).Within(1e-6));
        }
    }

    [Test]
    public async Task Unknown_results_are_stored_but_neither_raw_stats_nor_rollups_count_them()
    {
        Assert.That(await own.Database.CountAsync(
            $"select count(*) from telemetry.ping_results where monitor_id = '{monitor}' and unknown"), Is.EqualTo(unknown.Count));
        Assert.That(await own.Database.CountAsync(
            $"select coalesce(sum(checks), 0) from telemetry.rollup_hourly where monitor_id = '{monitor}'"),
            Is.EqualTo(eu.Count(r => r.DueAt < ThisHour) + us.Count(r => r.DueAt < ThisHour)));
        Assert.That(await own.Database.CountAsync(
            $"select count(distinct location) from telemetry.rollup_daily where monitor_id = '{monitor}'"), Is.EqualTo(2));

        var stats = await ReadAsync("24h", "eu-west");
        Assert.That(stats.Latency!.MaxMs, Is.LessThan(99_999));
    }

    [Test]
    public async Task A_location_nothing_was_checked_from_has_no_stats()
    {
        var stats = await ReadAsync("7d", "ap-south");

        Assert.That((stats.Checks, stats.UptimePercent, stats.DowntimeSeconds), Is.EqualTo((0L, (double?)null, 0.0)));
    }
}
