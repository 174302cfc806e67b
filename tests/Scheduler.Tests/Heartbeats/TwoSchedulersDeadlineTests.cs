using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.Scheduler.Tests.Heartbeats.Pings;

namespace Sentinel.Scheduler.Tests.Heartbeats;

/// Two Scheduler replicas with running deadline loops over one database: every missed deadline is published once.
public sealed class TwoSchedulersDeadlineTests
{
    TestDatabase database = null!;
    TestVirtualHost virtualHost = null!;
    MissListener listener = null!;
    SchedulerHost first = null!;
    SchedulerHost second = null!;

    [OneTimeSetUp]
    public async Task StartTwoSchedulers()
    {
        database = await TestDatabase.CreateAsync("scheduler_hb_two");
        virtualHost = await TestVirtualHost.CreateAsync("scheduler_hb_two");
        listener = await MissListener.StartAsync(virtualHost);
        // Small rounds so both replicas take part in every burst.
        var settings = new Dictionary<string, string> { ["Heartbeats:PollMilliseconds"] = "50", ["Heartbeats:MaxPerRound"] = "200" };
        first = await SchedulerHost.StartAsync(database, virtualHost, clock: null, settings);
        second = await SchedulerHost.StartAsync(database, virtualHost, clock: null, settings);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
        await listener.DisposeAsync();
        await database.DisposeAsync();
        await virtualHost.DisposeAsync();
    }

    [Test]
    public async Task Two_running_schedulers_publish_each_missed_deadline_once()
    {
        var tenantId = Guid.NewGuid();
        var monitorIds = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToList();
        // Either replica may consume any message: wait on the shared database, not on one host.
        var bus = first.Services.GetRequiredService<IBus>();
        foreach (var monitorId in monitorIds)
            await bus.Publish(Upserted(monitorId, 1, Period(1, 0), tenantId: tenantId));
        await Poll.UntilAsync(
            () => database.CountAsync($"select count(*) from scheduler.heartbeats where tenant_id = '{tenantId}'"),
            n => n == monitorIds.Count, TimeSpan.FromSeconds(30), "every heartbeat upserted");
        var now = DateTimeOffset.UtcNow;

        await bus.Publish(HeartbeatsPacked.Pack(Guid.NewGuid(),
            monitorIds.Select((id, i) => Success(id, now.AddMilliseconds(i * 10), tenantId: tenantId)).ToList()));

        await Poll.UntilAsync(
            () => Task.FromResult(listener.Of(m => m.TenantId == tenantId)), m => m.Count >= monitorIds.Count,
            TimeSpan.FromSeconds(20), "a miss of each heartbeat");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var misses = listener.Of(m => m.TenantId == tenantId);
        Assert.That(misses.Select(m => m.Miss.MonitorId), Is.EquivalentTo(monitorIds), "each once");
    }

    [Test]
    public async Task Ten_thousand_deadlines_passing_within_three_seconds_are_all_published_once()
    {
        const int count = 10_000;
        var tenantId = Guid.NewGuid();
        // Written in bulk as up heartbeats whose last success was a minute ago; deadlines spread over three seconds.
        await database.ExecuteAsync($"""
            insert into scheduler.heartbeats
                (monitor_id, tenant_id, version, period_seconds, grace_seconds, manual_resume, paused, state,
                 last_ping_at, last_ping_id, last_ping_kind, last_success_at, expected_at, deadline_at, wake_at,
                 deadline_reason, updated_at)
            select gen_random_uuid(), '{tenantId}', 1, 60, 0, false, false, 'up',
                   now() - interval '60 s', gen_random_uuid(), 'success', now() - interval '60 s',
                   now() + (i % 3000) * interval '1 ms' + interval '500 ms',
                   now() + (i % 3000) * interval '1 ms' + interval '500 ms',
                   now() + (i % 3000) * interval '1 ms' + interval '500 ms',
                   'late', now()
            from generate_series(1, {count}) as i
            """);

        var misses = await Poll.UntilAsync(
            () => Task.FromResult(listener.Of(m => m.TenantId == tenantId)), m => m.Count >= count,
            TimeSpan.FromSeconds(120), $"{count} misses");
        await Task.Delay(TimeSpan.FromSeconds(1));

        misses = listener.Of(m => m.TenantId == tenantId);
        Assert.That(misses, Has.Count.EqualTo(count));
        Assert.That(misses.Select(m => m.Miss.MonitorId).Distinct().Count(), Is.EqualTo(count), "none twice");
        Assert.That(
            await database.CountAsync($"select count(*) from scheduler.heartbeats where tenant_id = '{tenantId}' and state = 'down' and deadline_at is null and wake_at is null"),
            Is.EqualTo(count));
        // Timing for information only (correctness is the point here; the benchmark measures the whole path).
        TestContext.Out.WriteLine(
            $"detection lag p50 {Percentile(misses, 0.5):0.000} s, p99 {Percentile(misses, 0.99):0.000} s; " +
            $"publish lag (deadline → received) p99 {misses.Select(m => (m.ReceivedAt - m.Miss.Deadline).TotalSeconds).Order().ElementAt((int)(count * 0.99)):0.000} s");
    }

    static double Percentile(IReadOnlyList<(HeartbeatDeadlineMissed Miss, DateTimeOffset ReceivedAt)> misses, double q) =>
        misses.Select(m => (m.Miss.DetectedAt - m.Miss.Deadline).TotalSeconds).Order().ElementAt((int)(misses.Count * q));
}
