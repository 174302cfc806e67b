using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.Scheduler.Heartbeats;
using Sentinel.Testing;
using static Sentinel.Scheduler.Tests.Heartbeats.Pings;

namespace Sentinel.Scheduler.Tests.Heartbeats;

/// Catalog events and ping batches through RabbitMQ into the heartbeats table, the deadline round and the internal
/// API, on a fake clock (the deadline loop is left out: tests run rounds themselves).
public sealed class HeartbeatConsumerTests
{
    readonly FakeTimeProvider clock = new(Catalog.Start);
    TestDatabase database = null!;
    TestVirtualHost virtualHost = null!;
    SchedulerHost scheduler = null!;

    DateTimeOffset Now => clock.GetUtcNow();

    [OneTimeSetUp]
    public async Task StartScheduler()
    {
        database = await TestDatabase.CreateAsync("scheduler_hb");
        virtualHost = await TestVirtualHost.CreateAsync("scheduler_hb");
        scheduler = await SchedulerHost.StartAsync(database, virtualHost, clock);
    }

    [OneTimeTearDown]
    public async Task StopScheduler()
    {
        await scheduler.DisposeAsync();
        await database.DisposeAsync();
        await virtualHost.DisposeAsync();
    }

    async Task<Heartbeat?> FindAsync(Guid monitorId)
    {
        await using var scope = scheduler.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SchedulerDb>().Heartbeats.AsNoTracking()
            .SingleOrDefaultAsync(h => h.MonitorId == monitorId);
    }

    async Task<MissRound> ReportMissedAsync()
    {
        await using var scope = scheduler.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MissedDeadlines>().ReportMissedAsync(CancellationToken.None);
    }

    Task PingAsync(params HeartbeatPing[] pings) =>
        scheduler.PublishAndWaitAsync(HeartbeatsPacked.Pack(Guid.NewGuid(), pings));

    [Test]
    public async Task A_heartbeat_monitor_gets_a_new_row_that_follows_type_changes_and_deletion()
    {
        var monitorId = Guid.NewGuid();

        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30)));
        var created = await FindAsync(monitorId);
        Assert.That(created!.State, Is.EqualTo(HeartbeatStates.New));
        Assert.That(created.PeriodSeconds, Is.EqualTo(60));
        Assert.That(created.NextDeadlineAt, Is.Null);

        await scheduler.PublishAndWaitAsync(Catalog.Upserted(monitorId, 2, type: "http"));
        Assert.That(await FindAsync(monitorId), Is.Null, "an http monitor has no heartbeat row");
        Assert.That((await scheduler.FindAsync(monitorId))!.Type, Is.EqualTo("http"));

        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30)));
        Assert.That(await FindAsync(monitorId), Is.Null, "a stale upsert does not bring it back");

        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 3, Period(120, 30)));
        Assert.That((await FindAsync(monitorId))!.PeriodSeconds, Is.EqualTo(120));

        await scheduler.PublishAndWaitAsync(Catalog.Deleted(monitorId, 4));
        Assert.That(await FindAsync(monitorId), Is.Null);
        await PingAsync(Success(monitorId, Now));
        Assert.That(await FindAsync(monitorId), Is.Null, "pings of a deleted monitor create nothing");
    }

    [Test]
    public async Task A_batch_moves_the_deadlines_of_known_monitors_and_ignores_unknown_ones_and_other_tenants()
    {
        var tenantId = Guid.NewGuid();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var unknown = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(first, 1, Period(60, 30), tenantId: tenantId));
        await scheduler.PublishAndWaitAsync(Upserted(second, 1, Period(600, 60), tenantId: tenantId));

        await PingAsync(
            Success(first, Now, tenantId: tenantId),
            Start(second, Now, tenantId: tenantId),
            Success(unknown, Now, tenantId: tenantId),
            Fail(first, Now.AddSeconds(1), tenantId: Guid.NewGuid()));

        var up = await FindAsync(first);
        Assert.That(up!.State, Is.EqualTo(HeartbeatStates.Up));
        Assert.That(up.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(90)));
        Assert.That(up.LastPingKind, Is.EqualTo(HeartbeatPingKinds.Success), "a ping naming another tenant is ignored");
        var started = await FindAsync(second);
        Assert.That(started!.State, Is.EqualTo(HeartbeatStates.Started));
        Assert.That(started.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(60)));
        Assert.That(started.OpenRuns, Has.Count.EqualTo(1), "the open run survives the jsonb round trip");
        Assert.That(await FindAsync(unknown), Is.Null);
    }

    [Test]
    public async Task A_ping_that_overtakes_its_monitors_upsert_sets_the_first_deadline_when_the_monitor_arrives()
    {
        var tenantId = Guid.NewGuid();
        var monitorId = Guid.NewGuid();
        await PingAsync(Success(monitorId, Now, tenantId: tenantId), Fail(monitorId, Now.AddSeconds(-5), tenantId: Guid.NewGuid()));
        Assert.That(await FindAsync(monitorId), Is.Null, "nothing to apply it to yet");

        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30), tenantId: tenantId));

        var heartbeat = await FindAsync(monitorId);
        Assert.That(heartbeat!.State, Is.EqualTo(HeartbeatStates.Up), "the parked ping was applied; the other tenant's was not");
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(90)));
        await using var scope = scheduler.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulerDb>();
        Assert.That(await db.EarlyPings.CountAsync(p => p.MonitorId == monitorId), Is.Zero, "taken, not kept");
    }

    [Test]
    public async Task A_ping_whose_heartbeat_was_committed_after_the_locking_read_is_parked_and_adopted_not_dropped()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30)));
        var ping = Success(monitorId, Now);
        await using var scope = scheduler.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulerDb>();

        // The consumer's locking read found no heartbeat row (the upsert had not committed); by the park query it had.
        await db.ParkUnknownAsync([ping], Now, CancellationToken.None);
        Assert.That(await db.EarlyPings.CountAsync(p => p.MonitorId == monitorId), Is.EqualTo(1), "parked, not dropped");
        await db.AdoptAsync(Now, CancellationToken.None);

        var heartbeat = await FindAsync(monitorId);
        Assert.That(heartbeat!.State, Is.EqualTo(HeartbeatStates.Up));
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(90)));
    }

    [Test]
    public async Task A_ping_of_a_known_monitor_that_is_not_a_heartbeat_is_not_parked()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30)));
        await scheduler.PublishAndWaitAsync(Catalog.Upserted(monitorId, 2));
        await using var scope = scheduler.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulerDb>();
        Assert.That(await FindAsync(monitorId), Is.Null, "no heartbeat row for an http monitor");

        await db.ParkUnknownAsync([Success(monitorId, Now)], Now, CancellationToken.None);

        Assert.That(await db.EarlyPings.CountAsync(p => p.MonitorId == monitorId), Is.Zero);
    }

    [Test]
    public async Task An_early_ping_parked_while_its_monitor_was_being_created_is_adopted_by_the_deadline_loop()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30)));
        var ping = Success(monitorId, Now);
        await using var scope = scheduler.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulerDb>();
        // What the race leaves behind: the upsert committed without seeing this ping's row.
        db.EarlyPings.Add(new EarlyPing
        {
            PingId = ping.PingId, MonitorId = monitorId, TenantId = ping.TenantId, Kind = ping.Kind, ReceivedAt = ping.ReceivedAt, ParkedAt = Now,
        });
        await db.SaveChangesAsync();

        Assert.That(await db.AdoptAsync(Now, CancellationToken.None), Is.GreaterThanOrEqualTo(1));

        var heartbeat = await FindAsync(monitorId);
        Assert.That(heartbeat!.State, Is.EqualTo(HeartbeatStates.Up));
        Assert.That(heartbeat.NextDeadlineAt, Is.EqualTo(Now.AddSeconds(90)));
        Assert.That(await db.EarlyPings.CountAsync(p => p.MonitorId == monitorId), Is.Zero);
    }

    [Test]
    public async Task A_batch_reads_the_rows_as_EF_does()
    {
        var (cron, fresh) = (Guid.NewGuid(), Guid.NewGuid());
        await scheduler.PublishAndWaitAsync(Upserted(cron, 1, Cron("0 2 * * *", "Europe/Berlin", 600)));
        await scheduler.PublishAndWaitAsync(Upserted(fresh, 1, Period(60, 30, manualResume: true)));
        await PingAsync(Success(cron, Now.AddTicks(1234567)), Start(cron, Now.AddSeconds(1), runId: Guid.NewGuid()), Start(cron, Now.AddSeconds(2)));

        await using var scope = scheduler.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulerDb>();
        await using var tx = await db.Database.BeginTransactionAsync();
        var raw = await db.LockForPingsAsync([cron, fresh], CancellationToken.None);

        Assert.That(raw.Keys, Is.EquivalentTo(new[] { cron, fresh }));
        foreach (var id in new[] { cron, fresh })
        {
            var expected = (await FindAsync(id))!;
            var actual = raw[id];
            Assert.That(
                new object?[]
                {
                    actual.TenantId, actual.PeriodSeconds, actual.Schedule, actual.TimeZone, actual.GraceSeconds, actual.ManualResume,
                    actual.Paused, actual.State, actual.LastPingAt, actual.LastPingId, actual.LastPingKind, actual.LastSuccessAt,
                    actual.ExpectedAt, actual.NextDeadlineAt, actual.DeadlineReason, actual.WakeAt, actual.UpdatedAt,
                },
                Is.EqualTo(new object?[]
                {
                    expected.TenantId, expected.PeriodSeconds, expected.Schedule, expected.TimeZone, expected.GraceSeconds, expected.ManualResume,
                    expected.Paused, expected.State, expected.LastPingAt, expected.LastPingId, expected.LastPingKind, expected.LastSuccessAt,
                    expected.ExpectedAt, expected.NextDeadlineAt, expected.DeadlineReason, expected.WakeAt, expected.UpdatedAt,
                }), $"heartbeat {id}");
            Assert.That(actual.OpenRuns, Is.EqualTo(expected.OpenRuns));
        }
        Assert.That(raw[cron].OpenRuns, Has.Count.EqualTo(2), "both runs open");
        Assert.That(raw[cron].LastSuccessAt, Is.Not.Null);
        Assert.That(raw[fresh].State, Is.EqualTo(HeartbeatStates.New));
    }

    [Test]
    public async Task A_redelivered_batch_or_an_older_ping_changes_nothing()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30)));
        var older = Success(monitorId, Now.AddTicks(1234567)); // sub-microsecond ticks: PostgreSQL cuts them
        var newer = Success(monitorId, Now.AddSeconds(10).AddTicks(7654321));
        var batch = new HeartbeatsReceived(Guid.NewGuid(), [newer]); // the older producers' shape, still consumed

        await scheduler.PublishAndWaitAsync(batch);
        var applied = await FindAsync(monitorId);
        clock.Advance(TimeSpan.FromSeconds(1));
        await scheduler.PublishAndWaitAsync(batch);
        await PingAsync(older);

        var after = await FindAsync(monitorId);
        Assert.That(after!.NextDeadlineAt, Is.EqualTo(applied!.NextDeadlineAt));
        Assert.That(after.LastPingAt, Is.EqualTo(applied.LastPingAt));
        Assert.That(after.UpdatedAt, Is.EqualTo(applied.UpdatedAt), "not even touched");
    }

    [Test]
    public async Task A_passed_deadline_is_reported_once_through_the_outbox_and_the_heartbeat_goes_down()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30)));
        await PingAsync(Success(monitorId, Now));

        clock.Advance(TimeSpan.FromSeconds(90) - TimeSpan.FromMilliseconds(1));
        await ReportMissedAsync(); // other tests' heartbeats share this clock and may be due
        Assert.That((await FindAsync(monitorId))!.State, Is.EqualTo(HeartbeatStates.Up), "not before the deadline");

        clock.Advance(TimeSpan.FromSeconds(1));
        var round = await ReportMissedAsync();
        var again = await ReportMissedAsync();

        Assert.That(round.Misses, Is.GreaterThanOrEqualTo(1));
        Assert.That(again.Misses, Is.Zero, "reported once");
        var down = await FindAsync(monitorId);
        Assert.That(down!.State, Is.EqualTo(HeartbeatStates.Down));
        Assert.That(down.NextDeadlineAt, Is.Null);
        Assert.That(down.DeadlineReason, Is.Null);
    }

    [Test]
    public async Task The_internal_api_shows_state_last_ping_deadline_and_run_and_404s_for_unknown_or_other_tenants()
    {
        var tenantId = Guid.NewGuid();
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(3600, 600), tenantId: tenantId));
        using var client = scheduler.CreateClient();

        var fresh = await client.GetFromJsonAsync<HeartbeatView>($"/internal/tenants/{tenantId}/heartbeats/{monitorId}");
        Assert.That(fresh, Is.EqualTo(new HeartbeatView(HeartbeatStates.New, null, null, null, null)));

        var pingedAt = Now;
        await PingAsync(Success(monitorId, pingedAt, tenantId: tenantId));
        clock.Advance(TimeSpan.FromSeconds(3601));
        var json = await client.GetStringAsync($"/internal/tenants/{tenantId}/heartbeats/{monitorId}");
        Assert.That(json, Does.Contain("\"state\":\"grace\""), json);
        Assert.That(json, Does.Contain("\"lastPingKind\":\"success\""), json);
        Assert.That(json, Does.Contain("\"nextDeadlineAt\""), json);

        var runId = Guid.NewGuid();
        await PingAsync(Start(monitorId, Now, runId, tenantId));
        var running = await client.GetFromJsonAsync<HeartbeatView>($"/internal/tenants/{tenantId}/heartbeats/{monitorId}");
        Assert.That(running!.State, Is.EqualTo(HeartbeatStates.Started));
        Assert.That(running.RunStartedAt, Is.EqualTo(Now));
        Assert.That(running.NextDeadlineAt, Is.EqualTo(pingedAt.AddSeconds(4200)), "the hourly deadline is still the earlier one");

        var otherTenant = await client.GetAsync($"/internal/tenants/{Guid.NewGuid()}/heartbeats/{monitorId}");
        var unknown = await client.GetAsync($"/internal/tenants/{tenantId}/heartbeats/{Guid.NewGuid()}");
        Assert.That(otherTenant.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unknown.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }
}
