using Sentinel.Testing;
using static Sentinel.Scheduler.Tests.Catalog;

namespace Sentinel.Scheduler.Tests.Dispatch;

/// The Scheduler as it runs, real clock and all, on a database and virtual host of its own.
public sealed class DispatchLoopTests
{
    TestDatabase database = null!;
    TestVirtualHost virtualHost = null!;
    CheckerStandIn checker = null!;
    SchedulerHost scheduler = null!;

    [OneTimeSetUp]
    public async Task StartSchedulerAndChecker()
    {
        database = await TestDatabase.CreateAsync("scheduler_loop");
        virtualHost = await TestVirtualHost.CreateAsync("scheduler_loop");
        checker = await CheckerStandIn.StartAsync(virtualHost);
        scheduler = await SchedulerHost.StartAsync(database, virtualHost, clock: null, new Dictionary<string, string>
        {
            ["Scheduler:TickMilliseconds"] = "100",
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await scheduler.DisposeAsync();
        await checker.DisposeAsync();
        await database.DisposeAsync();
        await virtualHost.DisposeAsync();
    }

    [Test]
    public async Task A_running_scheduler_dispatches_each_interval_survives_a_database_fault_and_skips_paused_monitors()
    {
        var active = Guid.NewGuid();
        var paused = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(active, 1, intervalSeconds: 1));
        await scheduler.PublishAndWaitAsync(Upserted(paused, 1, intervalSeconds: 1, paused: true));

        var before = await Poll.UntilAsync(
            () => Task.FromResult(checker.ChecksOf(c => c.MonitorId == active)), c => c.Count >= 2,
            TimeSpan.FromSeconds(30), "two checks of the active monitor");

        // The table disappears for a while: rounds fail, the loop logs and carries on.
        await database.ExecuteAsync("alter table scheduler.schedules rename to schedules_away");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await database.ExecuteAsync("alter table scheduler.schedules_away rename to schedules");

        var checks = await Poll.UntilAsync(
            () => Task.FromResult(checker.ChecksOf(c => c.MonitorId == active)), c => c.Count >= before.Count + 2,
            TimeSpan.FromSeconds(30), "checks after the database came back");

        var dueTimes = checks.Select(c => c.DueAt).Order().ToList();
        Assert.That(checks.Select(c => c.CheckId).Distinct().Count(), Is.EqualTo(checks.Count), "no check twice");
        Assert.That(
            dueTimes.Zip(dueTimes.Skip(1), (a, b) => b - a), Has.All.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.5)),
            "never a burst: moving onto the monitor's grid or skipping missed slots leaves at least half an interval");
        Assert.That(checker.ChecksOf(c => c.MonitorId == paused), Is.Empty);
    }
}
