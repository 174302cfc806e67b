using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.Scheduler.Schedules;
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

    async Task DispatchAtTimeAsync(DateTimeOffset at)
    {
        clock.Advance(at - clock.GetUtcNow());
        await scheduler.DispatchAsync();
    }

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
        // After the first check (at once) the monitor moves onto its own grid, then keeps exactly 5 s.
        var slot1 = Spread.NextSlot(active, 5, t0.AddSeconds(2.5));
        var slot2 = slot1.AddSeconds(5);

        await DispatchAtTimeAsync(t0);
        await DispatchAtTimeAsync(t0);
        await DispatchAtTimeAsync(slot1.AddMilliseconds(-1));
        await DispatchAtTimeAsync(slot1);
        await DispatchAtTimeAsync(slot1.AddSeconds(1));
        await DispatchAtTimeAsync(slot2.AddSeconds(1));
        await DispatchAtTimeAsync(slot2.AddSeconds(2));

        var checks = await ReceivedAsync(active, 3);
        Assert.That(checks.Select(c => c.DueAt).Order(), Is.EqualTo(new[] { t0, slot1, slot2 }));
        Assert.That(slot1 - t0, Is.GreaterThan(TimeSpan.FromSeconds(2.5)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(7.5)));
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
        var slot1 = Spread.NextSlot(monitorId, 5, t0.AddSeconds(2.5));
        var restart = Spread.NextSlot(monitorId, 5, t0.AddSeconds(62.5));

        await DispatchAtTimeAsync(t0);
        await DispatchAtTimeAsync(t0.AddSeconds(60));
        await DispatchAtTimeAsync(t0.AddSeconds(61));
        await DispatchAtTimeAsync(restart);

        var checks = await ReceivedAsync(monitorId, 3);
        Assert.That(
            checks.Select(c => c.DueAt).Order(),
            Is.EqualTo(new[] { t0, slot1, restart }),
            "the missed slots are skipped; the rhythm restarts on the grid at least half an interval after the late dispatch");
    }

    [Test]
    public async Task An_interval_change_takes_effect_at_the_next_due_time_counted_from_the_last_check()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, intervalSeconds: 3600));
        var t0 = clock.GetUtcNow();
        await DispatchAtTimeAsync(t0);
        clock.Advance(TimeSpan.FromSeconds(10));

        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 2, intervalSeconds: 60));
        var expected = Spread.NextSlot(monitorId, 60, t0.AddSeconds(30));
        await DispatchAtTimeAsync(expected.AddMilliseconds(-1));
        await DispatchAtTimeAsync(expected);

        var checks = await ReceivedAsync(monitorId, 2);
        Assert.That(checks.Select(c => c.DueAt).Order(), Is.EqualTo(new[] { t0, expected }),
            "due about a minute after the last check, not an hour");
        Assert.That((await scheduler.FindAsync(monitorId))!.LastDueAt, Is.EqualTo(expected));
    }

    [Test]
    public async Task Checks_due_within_the_lookahead_are_sent_early_with_their_own_due_time()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, intervalSeconds: 60));
        var t0 = clock.GetUtcNow();
        var slot1 = Spread.NextSlot(monitorId, 60, t0.AddSeconds(30));
        await DispatchAtTimeAsync(t0);

        await DispatchAtTimeAsync(slot1.AddMilliseconds(-1500));
        Assert.That((await scheduler.FindAsync(monitorId))!.NextCheckAt, Is.EqualTo(slot1),
            "1.5 s ahead is beyond the 1 s lookahead: not dispatched yet");
        await DispatchAtTimeAsync(slot1.AddMilliseconds(-500));

        var checks = await ReceivedAsync(monitorId, 2);
        Assert.That(checks.Select(c => c.DueAt).Order(), Is.EqualTo(new[] { t0, slot1 }), "sent half a second early, due time unchanged");
        Assert.That((await scheduler.FindAsync(monitorId))!.NextCheckAt, Is.EqualTo(slot1.AddSeconds(60)));
    }

    [Test]
    public async Task Checks_carry_the_type_specific_settings_and_conditions()
    {
        var monitorId = Guid.NewGuid();
        var spec = new CheckSpec(Conditions: ["[CONNECTED] == true"], Tcp: new TcpCheckSpec("db.internal", 5432, "PING", "PONG"));
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, type: "tcp") with { Http = null, Check = spec });

        await DispatchAtTimeAsync(clock.GetUtcNow());

        var check = (await ReceivedAsync(monitorId, 1)).Single();
        Assert.That(check.Type, Is.EqualTo("tcp"));
        Assert.That(check.Check!.Tcp, Is.EqualTo(spec.Tcp));
        Assert.That(check.Check.Conditions, Is.EqualTo(spec.Conditions));
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
