using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.TelemetryIngest.Rollups;
using Sentinel.TelemetryIngest.Slos;
using Sentinel.TelemetryIngest.Tests.Rollups;

namespace Sentinel.TelemetryIngest.Tests.Slos;

/// SLO figures read through raw edges and hourly/daily rollups must equal the definitions applied to the raw results
/// themselves, for several monitors at once, at window edges that fall mid-hour and mid-second, with late results in
/// hours already rolled up.
public sealed class SloReaderTests
{
    static readonly DateTimeOffset Now = new(2025, 6, 15, 10, 30, 15, 500, TimeSpan.Zero);
    static readonly int[] BurnWindows = [300, 1800, 3600, 6 * 3600, 3 * 86400 + 1234];

    OwnDatabase own = null!;
    readonly Guid tenant = Guid.NewGuid();
    readonly Guid otherTenant = Guid.NewGuid();
    readonly Guid[] monitors = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
    readonly Guid notAsked = Guid.NewGuid();
    readonly List<MonitorChecked> results = [];

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        own = await OwnDatabase.CreateAsync("telemetry_slos");
        var random = new Random(1111);
        var start = Now.AddDays(-12).AddMinutes(-7).AddSeconds(13.25);
        foreach (var monitor in monitors.Append(notAsked))
            results.AddRange(BruteForce.RandomResults(random, tenant, monitor, start.AddSeconds(random.Next(60)), TimeSpan.FromDays(12.5)));
        // The same monitor id under another tenant must never be counted.
        results.AddRange(BruteForce.RandomResults(random, otherTenant, monitors[0], start, TimeSpan.FromDays(12.5))
            .Select(r => r with { Up = false }));
        // Results a Checker could not judge (its canaries failed) are stored but are neither good nor bad.
        for (var i = 0; i < results.Count; i += 17)
            results[i] = results[i] with { Up = false, Unknown = true };
        await own.WriteAsync(results);

        await using (var db = own.NewDb())
            await new RollupWriter(db, new FakeTimeProvider(Now)).RollUpAsync(Now, 100_000, CancellationToken.None);

        // Late results (off the minute grid) for hours already rolled up: those hours are pending again and must be
        // read raw, including one right at a window edge.
        var late = new List<MonitorChecked>();
        foreach (var at in new[] { Now.AddDays(-2).AddMinutes(10.5), Now.AddHours(-6).AddSeconds(-0.25), Now.AddDays(-1).AddSeconds(0.5), Now.AddHours(-30).AddSeconds(17) })
            late.Add(OwnDatabase.Result(tenant, monitors[1], at, up: false, latencyMs: 12));
        await own.WriteAsync(late);
        results.AddRange(late);
    }

    [OneTimeTearDown]
    public async Task DropDatabaseAsync() => await own.DisposeAsync();

    async Task<SloFigures> ReadAsync(double objective, int windowDays, DateTimeOffset now, IReadOnlyList<Guid>? ids = null)
    {
        await using var db = own.NewDb();
        var reader = new SloReader(db, new FakeTimeProvider(now), OwnDatabase.Options());
        return await reader.ReadAsync(tenant, new SloFiguresRequest(ids ?? monitors, objective, windowDays, BurnWindows), CancellationToken.None);
    }

    (long Checks, long Good) Count(IReadOnlyList<Guid> ids, DateTimeOffset from, DateTimeOffset to)
    {
        var inside = results.Where(r => r.TenantId == tenant && !r.Unknown && ids.Contains(r.MonitorId) && r.DueAt >= from && r.DueAt < to).ToList();
        return (inside.Count, inside.Count(r => r.Up));
    }

    [TestCase(99.9, 1, 0.0)]
    [TestCase(99.5, 3, 0.0)]
    [TestCase(99.0, 7, 0.0)]
    [TestCase(95.0, 10, 0.0)]
    [TestCase(99.9, 7, -10.5)] // now exactly on a day boundary: the window is whole days and hours
    [TestCase(99.9, 2, -0.25)] // now exactly on an hour boundary
    public async Task Figures_equal_a_brute_force_computation_over_the_raw_results(double objective, int windowDays, double shiftHours)
    {
        var now = shiftHours == 0 ? Now : Now.AddHours(shiftHours).AddSeconds(-15.5);
        var figures = await ReadAsync(objective, windowDays, now);

        var window = TimeSpan.FromDays(windowDays);
        var (checks, good) = Count(monitors, now - window, now);
        var bad = checks - good;
        var allowed = 1 - objective / 100;
        var total = window.TotalSeconds * allowed;
        var spent = window.TotalSeconds * bad / checks;
        Assert.Multiple(() =>
        {
            Assert.That((figures.From, figures.To), Is.EqualTo((now - window, now)));
            Assert.That((figures.Checks, figures.GoodChecks, figures.BadChecks), Is.EqualTo((checks, good, bad)));
            Assert.That(checks, Is.GreaterThan(1000), "the seed covers the window");
            Assert.That(figures.AttainedPercent, Is.EqualTo(100.0 * good / checks).Within(1e-9));
            Assert.That(figures.ErrorBudget.TotalSeconds, Is.EqualTo(total).Within(1e-6));
            Assert.That(figures.ErrorBudget.SpentSeconds, Is.EqualTo(spent).Within(1e-6));
            Assert.That(figures.ErrorBudget.RemainingSeconds, Is.EqualTo(total - spent).Within(1e-6));
            Assert.That(figures.ErrorBudget.SpentPercent, Is.EqualTo(100 * spent / total).Within(1e-6));
            Assert.That(figures.ErrorBudget.RemainingPercent, Is.EqualTo(100 - 100 * spent / total).Within(1e-6));
        });

        Assert.That(figures.BurnRates.Select(b => b.WindowSeconds), Is.EqualTo(BurnWindows));
        foreach (var burn in figures.BurnRates)
        {
            var (c, g) = Count(monitors, now.AddSeconds(-burn.WindowSeconds), now);
            Assert.That((burn.Checks, burn.BadChecks), Is.EqualTo((c, c - g)), $"burn window {burn.Window}");
            Assert.That(burn.BurnRate, Is.EqualTo((double)(c - g) / c / allowed).Within(1e-9), $"burn window {burn.Window}");
        }
    }

    [Test]
    public async Task Window_edges_sliding_across_a_late_result_agree()
    {
        // Edges sliding across a late result, a minute grid and hour boundaries, one monitor at a time.
        foreach (var offset in new[] { -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 59.0, 61.0, 3599.5, 3600.0 })
        {
            var now = Now.AddDays(-2).AddMinutes(10.5).AddSeconds(offset).AddDays(1);
            var figures = await ReadAsync(99.9, 1, now, [monitors[1]]);
            var (checks, good) = Count([monitors[1]], now.AddDays(-1), now);
            Assert.That((figures.Checks, figures.GoodChecks), Is.EqualTo((checks, good)), $"now = {now:O}");
        }
    }

    [Test]
    public async Task A_window_without_checks_has_no_attained_value_and_an_untouched_budget()
    {
        var figures = await ReadAsync(99.9, 30, Now, [Guid.NewGuid()]);

        Assert.That(figures.Checks, Is.Zero);
        Assert.That(figures.AttainedPercent, Is.Null);
        Assert.That(figures.ErrorBudget.TotalSeconds, Is.EqualTo(30 * 86400 * 0.001).Within(1e-6));
        Assert.That(figures.ErrorBudget.RemainingPercent, Is.EqualTo(100));
        Assert.That(figures.BurnRates.Select(b => b.BurnRate), Is.All.Null);
    }

    [Test]
    public async Task The_internal_endpoint_validates_and_answers()
    {
        var bad = await TelemetryEnvironment.Client.PostAsJsonAsync($"/internal/tenants/{tenant}/slo-figures",
            new { monitorIds = Array.Empty<Guid>(), objectivePercent = 100.0, windowDays = 400 });
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(new[] { "objectivePercent", "windowDays" }));

        var ok = await TelemetryEnvironment.Client.PostAsJsonAsync($"/internal/tenants/{tenant}/slo-figures",
            new { monitorIds = new[] { Guid.NewGuid() }, objectivePercent = 99.9, windowDays = 30 });
        var figures = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(figures.GetProperty("burnRates").EnumerateArray().Select(b => b.GetProperty("window").GetString()),
            Is.EqualTo(new[] { "1h", "6h" }));
        Assert.That(figures.GetProperty("errorBudget").GetProperty("totalSeconds").GetDouble(), Is.EqualTo(2592.0).Within(1e-6));
    }
}
