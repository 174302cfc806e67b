using Sentinel.Testing;

namespace Sentinel.Scheduler.Tests.Dispatch;

/// Two Scheduler replicas with running dispatch loops over one database: every due check is sent exactly once.
public sealed class TwoSchedulersTests
{
    TestDatabase database = null!;
    TestVirtualHost virtualHost = null!;
    CheckerStandIn checker = null!;
    SchedulerHost first = null!;
    SchedulerHost second = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        database = await TestDatabase.CreateAsync("scheduler_two");
        virtualHost = await TestVirtualHost.CreateAsync("scheduler_two");
        checker = await CheckerStandIn.StartAsync(virtualHost);
        var settings = new Dictionary<string, string> { ["Scheduler:TickMilliseconds"] = "50", ["Scheduler:MaxPerTick"] = "100" };
        first = await SchedulerHost.StartAsync(database, virtualHost, clock: null, settings);
        second = await SchedulerHost.StartAsync(database, virtualHost, clock: null, settings);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
        await checker.DisposeAsync();
        await database.DisposeAsync();
        await virtualHost.DisposeAsync();
    }

    [Test]
    public async Task Two_running_schedulers_never_dispatch_one_due_check_twice()
    {
        var tenantId = Guid.NewGuid();
        await database.ExecuteAsync($"""
            insert into scheduler.schedules
                (monitor_id, tenant_id, version, type, interval_seconds, timeout_seconds, paused, deleted, spec, next_check_at, updated_at)
            select gen_random_uuid(), '{tenantId}', 1, 'http', 2, 1, false, false, null, now(), now()
            from generate_series(1, 300)
            """);

        // Each monitor: once at once, then on its grid every 2 s; ~6 s gives at least three rounds each.
        var checks = await Poll.UntilAsync(
            () => Task.FromResult(checker.ChecksOf(c => c.TenantId == tenantId)),
            c => c.GroupBy(x => x.MonitorId).Count(g => g.Count() >= 3) == 300, TimeSpan.FromSeconds(60),
            "three checks of each of 300 monitors");

        Assert.That(checks.Select(c => c.CheckId), Is.Unique, "no due check was sent twice");
        foreach (var monitor in checks.GroupBy(c => c.MonitorId))
        {
            var due = monitor.Select(c => c.DueAt).Order().ToList();
            Assert.That(due.Zip(due.Skip(1), (a, b) => b - a), Has.All.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)),
                $"monitor {monitor.Key}: at least half an interval between two checks");
        }
    }

    [Test]
    public async Task The_scheduler_exposes_dispatch_lag_and_dispatched_checks_on_metrics()
    {
        using var client = first.CreateClient();

        var metrics = await client.GetStringAsync("/metrics");

        Assert.That(metrics, Does.Contain("sentinel_schedule_lag_seconds_bucket"));
        Assert.That(metrics, Does.Contain("sentinel_checks_dispatched_total"));
    }
}
