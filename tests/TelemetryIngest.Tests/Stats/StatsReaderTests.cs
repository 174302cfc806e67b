using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.TelemetryIngest.Rollups;
using Sentinel.TelemetryIngest.Stats;
using Sentinel.TelemetryIngest.Tests.Rollups;

namespace Sentinel.TelemetryIngest.Tests.Stats;

public sealed class StatsReaderTests
{
    static readonly DateTimeOffset Now = new(2025, 6, 15, 10, 30, 15, TimeSpan.Zero);

    OwnDatabase own = null!;
    readonly Guid tenant = Guid.NewGuid();
    readonly Guid monitor = Guid.NewGuid();
    List<MonitorChecked> results = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        own = await OwnDatabase.CreateAsync("telemetry_stats");
        results = BruteForce.RandomResults(new Random(615), tenant, monitor, Now.AddDays(-10).AddMinutes(-7), TimeSpan.FromDays(10));
        await own.WriteAsync(results);
        await RollUpAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabaseAsync() => await own.DisposeAsync();

    async Task RollUpAsync()
    {
        await using var db = own.NewDb();
        await new RollupWriter(db, new FakeTimeProvider(Now)).RollUpAsync(Now, 100_000, CancellationToken.None);
    }

    async Task<MonitorStats> ReadAsync(string window, string? series = null, Guid? tenantId = null, Guid? monitorId = null,
        DateTimeOffset? now = null)
    {
        await using var db = own.NewDb();
        var reader = new StatsReader(db, new FakeTimeProvider(now ?? Now), OwnDatabase.Options());
        return await reader.ReadAsync(tenantId ?? tenant, monitorId ?? monitor, StatsRequest.Parse(window, series, out _)!,
            CancellationToken.None);
    }

    /// Downtime by its definition: from each down result to the next result (or the window end), clipped to the
    /// window, starting from the last result before the window if it is at most a day older.
    static double BruteForceDowntime(IReadOnlyList<MonitorChecked> all, DateTimeOffset from, DateTimeOffset to)
    {
        var sorted = all.Where(r => r.DueAt < to && r.DueAt >= from.AddDays(-1)).OrderBy(r => r.DueAt).ToList();
        var down = 0.0;
        for (var i = 0; i < sorted.Count; i++)
        {
            if (sorted[i].Up)
                continue;
            var end = i + 1 < sorted.Count ? sorted[i + 1].DueAt : to;
            var start = sorted[i].DueAt < from ? from : sorted[i].DueAt;
            if (end > start)
                down += (end - start).TotalSeconds;
        }
        return down;
    }

    [TestCase("1h")]
    [TestCase("24h")]
    [TestCase("7d")]
    public async Task A_window_agrees_with_a_brute_force_computation_over_the_raw_results(string window)
    {
        var stats = await ReadAsync(window);

        var from = Now - StatsRequest.Windows[window];
        var expected = BruteForce.Over(results, from, Now);
        Assert.That((stats.From, stats.To), Is.EqualTo((from, Now)));
        Assert.That((stats.Checks, stats.UpChecks), Is.EqualTo((expected.Checks, expected.UpChecks)));
        Assert.That(stats.UptimePercent, Is.EqualTo(100.0 * expected.UpChecks / expected.Checks).Within(1e-9));
        Assert.That(stats.DowntimeSeconds, Is.EqualTo(BruteForceDowntime(results, from, Now)).Within(1e-6));
        Assert.That(stats.Latency!.MinMs, Is.EqualTo(expected.Min));
        Assert.That(stats.Latency.MaxMs, Is.EqualTo(expected.Max));
        Assert.That(stats.Latency.AvgMs, Is.EqualTo(expected.Sum / expected.UpChecks).Within(1e-9));
        var exact = window != "7d";
        Assert.That(stats.PercentilesExact, Is.EqualTo(exact));
        foreach (var (q, value) in new[] { (0.5, stats.Latency.P50Ms), (0.95, stats.Latency.P95Ms), (0.99, stats.Latency.P99Ms) })
            if (exact)
                Assert.That(value, Is.EqualTo(BruteForce.PercentileCont(expected.SortedLatencies, q)).Within(1e-9));
            else
                BruteForce.AssertApproximatePercentile(value, expected.SortedLatencies, q, $"p{q * 100}");
    }

    [TestCase("24h")]
    [TestCase("7d")]
    public async Task A_result_due_exactly_at_the_window_start_counts_and_one_due_at_its_end_does_not(string window)
    {
        var edgeMonitor = Guid.NewGuid();
        var from = Now - StatsRequest.Windows[window];
        await own.WriteAsync([
            OwnDatabase.Result(tenant, edgeMonitor, from.AddSeconds(-1), up: false, 1),
            OwnDatabase.Result(tenant, edgeMonitor, from, up: true, 2),
            OwnDatabase.Result(tenant, edgeMonitor, Now.AddMilliseconds(-1), up: true, 3),
            OwnDatabase.Result(tenant, edgeMonitor, Now, up: false, 4)]);
        await RollUpAsync();

        var stats = await ReadAsync(window, monitorId: edgeMonitor);

        Assert.That((stats.Checks, stats.UpChecks), Is.EqualTo((2, 2)));
        Assert.That(stats.DowntimeSeconds, Is.Zero, "the down result before the window ends at the first result inside it");
        Assert.That((stats.Latency!.MinMs, stats.Latency.MaxMs), Is.EqualTo((2.0, 3.0)));
    }

    [Test]
    public async Task A_late_result_for_a_rolled_up_hour_counts_before_the_rollup_runs_again()
    {
        var before = await ReadAsync("7d");
        var late = OwnDatabase.Result(tenant, monitor, Now.AddDays(-3).AddMinutes(-7).AddSeconds(30), up: false, 5);
        await own.WriteAsync([late]);
        results.Add(late);

        var after = await ReadAsync("7d");

        Assert.That(after.Checks, Is.EqualTo(before.Checks + 1));
        Assert.That(after.UpChecks, Is.EqualTo(before.UpChecks));
        await RollUpAsync();
        Assert.That((await ReadAsync("7d")).Checks, Is.EqualTo(after.Checks), "the same answer once rolled up");
    }

    [TestCase("7d", "1d", 8)]
    [TestCase("7d", "1h", 7 * 24 + 1)]
    [TestCase("24h", "1h", 25)]
    public async Task A_series_adds_up_to_the_window_totals(string window, string series, int buckets)
    {
        var stats = await ReadAsync(window, series);

        Assert.That(stats.Buckets, Has.Count.EqualTo(buckets));
        Assert.That(stats.Buckets!.Sum(b => b.Checks), Is.EqualTo(stats.Checks));
        Assert.That(stats.Buckets!.Sum(b => b.UpChecks), Is.EqualTo(stats.UpChecks));
        Assert.That(stats.Buckets!.Sum(b => b.DowntimeSeconds), Is.EqualTo(stats.DowntimeSeconds).Within(1e-6));
        Assert.That(stats.Buckets[0].Start, Is.EqualTo(stats.From));
        Assert.That(stats.Buckets[^1].End, Is.EqualTo(stats.To));
        Assert.That(stats.Buckets.Skip(1).Select(b => b.Start.Minute), Is.All.Zero, "buckets after the first start on the hour");
    }

    [Test]
    public async Task Another_tenants_monitor_id_has_no_stats()
    {
        var stats = await ReadAsync("7d", tenantId: Guid.NewGuid());

        Assert.That((stats.Checks, stats.UptimePercent, stats.Latency, stats.DowntimeSeconds), Is.EqualTo((0L, (double?)null, (LatencyStats?)null, 0.0)));
    }

    [Test]
    public async Task Rollups_answer_for_days_whose_raw_results_are_gone()
    {
        // Forty days on, the raw partitions of the seeded days are past the 30-day retention: drop them.
        var later = Now.AddDays(40);
        await using (var db = own.NewDb())
        {
            await new RollupWriter(db, new FakeTimeProvider(later)).RollUpAsync(later, 100_000, CancellationToken.None);
            var partitions = own.Partitions(db, new FakeTimeProvider(Now));
            await partitions.EnsureAsync(CancellationToken.None); // moves the seeded rows into day partitions
            await own.Partitions(db, new FakeTimeProvider(later)).DropExpiredAsync(CancellationToken.None);
        }
        Assert.That(await own.Database.CountAsync($"select count(*) from telemetry.ping_results where monitor_id = '{monitor}'"), Is.Zero);

        var stats = await ReadAsync("90d", now: later);

        var expected = BruteForce.Over(results, Now.AddDays(-11), Now);
        Assert.That((stats.Checks, stats.UpChecks), Is.EqualTo((expected.Checks, expected.UpChecks)));
    }
}
