using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.Scheduler.Tests.Catalog;

namespace Sentinel.Scheduler.Tests.Dispatch;

/// Dispatch rounds at fake times of the test's choosing, observed on the check-monitor-batch queue.
public sealed class CheckDispatcherTests
{
    const int BatchSize = 20;
    readonly FakeTimeProvider clock = new(Start.AddDays(1));
    SchedulerHost scheduler = null!;
    CheckerStandIn checker = null!;

    [OneTimeSetUp]
    public async Task StartSchedulerAndChecker()
    {
        checker = await CheckerStandIn.StartAsync(TestRun.VirtualHost);
        scheduler = await SchedulerHost.StartAsync(TestRun.Database, TestRun.VirtualHost, clock, new Dictionary<string, string>
        {
            ["Scheduler:MaxPerTick"] = "50",
            ["Scheduler:BatchSize"] = BatchSize.ToString(),
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await scheduler.DisposeAsync();
        await checker.DisposeAsync();
    }

    async Task DispatchAtAsync(TimeSpan advance)
    {
        clock.Advance(advance);
        await scheduler.DispatchAsync();
    }

    async Task<IReadOnlyList<DueCheck>> ReceivedAsync(Guid monitorId, int atLeast) =>
        await Poll.UntilAsync(
            () => Task.FromResult(checker.ChecksOf(c => c.MonitorId == monitorId)), checks => checks.Count >= atLeast,
            TimeSpan.FromSeconds(30), $"{atLeast} checks of monitor {monitorId}");

    [Test]
    public async Task A_monitor_every_5_s_is_dispatched_once_per_due_time_and_paused_or_passive_ones_never()
    {
        var active = Guid.NewGuid();
        var paused = Guid.NewGuid();
        var heartbeat = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(active, 1, intervalSeconds: 5));
        await scheduler.PublishAndWaitAsync(Upserted(paused, 1, intervalSeconds: 5, paused: true));
        await scheduler.PublishAndWaitAsync(Upserted(heartbeat, 1, intervalSeconds: 5, type: "heartbeat"));
        var t0 = clock.GetUtcNow();

        await DispatchAtAsync(TimeSpan.Zero);
        await DispatchAtAsync(TimeSpan.Zero);
        await DispatchAtAsync(TimeSpan.FromSeconds(3));
        await DispatchAtAsync(TimeSpan.FromSeconds(2));
        await DispatchAtAsync(TimeSpan.FromSeconds(1));
        await DispatchAtAsync(TimeSpan.FromSeconds(4));
        await DispatchAtAsync(TimeSpan.Zero);

        var checks = await ReceivedAsync(active, 3);
        Assert.That(checks.Select(c => c.DueAt).Order(), Is.EqualTo(new[] { t0, t0.AddSeconds(5), t0.AddSeconds(10) }));
        Assert.That(checks.Select(c => c.CheckId), Is.EquivalentTo(checks.Select(c => DeterministicGuid.ForCheck(active, c.DueAt))));
        Assert.That(checks[0].Http!.Url, Is.EqualTo("https://example.test/health"));
        Assert.That(checker.ChecksOf(c => c.MonitorId == paused || c.MonitorId == heartbeat), Is.Empty);
    }

    [Test]
    public async Task A_scheduler_that_fell_behind_sends_one_late_check_not_a_burst()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, intervalSeconds: 5));
        var t0 = clock.GetUtcNow();

        await DispatchAtAsync(TimeSpan.Zero);
        await DispatchAtAsync(TimeSpan.FromSeconds(60));
        await DispatchAtAsync(TimeSpan.FromSeconds(1));
        await DispatchAtAsync(TimeSpan.FromSeconds(4));

        var checks = await ReceivedAsync(monitorId, 3);
        Assert.That(
            checks.Select(c => c.DueAt).Order(),
            Is.EqualTo(new[] { t0, t0.AddSeconds(5), t0.AddSeconds(65) }),
            "the missed slots between 5 s and 60 s are skipped; the rhythm restarts from the late dispatch");
    }

    [Test]
    public async Task Dispatchers_racing_over_500_due_monitors_send_each_check_exactly_once()
    {
        var tenantId = Guid.NewGuid();
        var dueAt = clock.GetUtcNow().AddSeconds(-1);
        await TestRun.Database.ExecuteAsync($"""
            insert into scheduler.schedules
                (monitor_id, tenant_id, version, type, interval_seconds, timeout_seconds, paused, deleted, spec, next_check_at, updated_at)
            select gen_random_uuid(), '{tenantId}', 1, 'http', 60, 10, false, false, null, '{dueAt:O}', now()
            from generate_series(1, 500)
            """);

        var workers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var dispatched = 0;
            for (var round = await scheduler.DispatchAsync(); round.Checks > 0; round = await scheduler.DispatchAsync())
                dispatched += round.Checks;
            return dispatched;
        })));

        var checks = await Poll.UntilAsync(
            () => Task.FromResult(checker.ChecksOf(c => c.TenantId == tenantId)), c => c.Count >= 500,
            TimeSpan.FromSeconds(60), "500 checks");
        TestContext.Out.WriteLine($"checks dispatched per worker: {string.Join(", ", workers)}");
        Assert.That(checks, Has.Count.EqualTo(500));
        Assert.That(checks.Select(c => c.CheckId).Distinct().Count(), Is.EqualTo(500));
        Assert.That(checks.Select(c => c.MonitorId).Distinct().Count(), Is.EqualTo(500));
        Assert.That(workers.Count(w => w > 0), Is.GreaterThanOrEqualTo(2), "the dispatchers did run concurrently");
        Assert.That(
            checker.Batches.Where(b => b.Checks.Any(c => c.TenantId == tenantId)).Select(b => b.Checks.Count),
            Has.All.LessThanOrEqualTo(BatchSize));
        Assert.That(
            await TestRun.Database.CountAsync(
                $"select count(*) from scheduler.schedules where tenant_id = '{tenantId}' and next_check_at <= '{clock.GetUtcNow():O}'"),
            Is.Zero, "every row was advanced");
    }
}
