using Microsoft.Extensions.Time.Testing;
using static Sentinel.Scheduler.Tests.Catalog;

namespace Sentinel.Scheduler.Tests.Schedules;

/// Catalog events through RabbitMQ into the schedules table, in every order they may arrive.
public sealed class CatalogConsumerTests
{
    readonly FakeTimeProvider clock = new(Start);
    SchedulerHost scheduler = null!;

    [OneTimeSetUp]
    public async Task StartScheduler() =>
        scheduler = await SchedulerHost.StartAsync(TestRun.Database, TestRun.VirtualHost, clock);

    [OneTimeTearDown]
    public async Task StopScheduler() => await scheduler.DisposeAsync();

    [Test]
    public async Task A_new_monitor_gets_a_schedule_due_at_once()
    {
        var monitorId = Guid.NewGuid();

        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, intervalSeconds: 30));

        var schedule = await scheduler.FindAsync(monitorId);
        Assert.That(schedule, Is.Not.Null);
        Assert.That(schedule!.NextCheckAt, Is.EqualTo(clock.GetUtcNow()));
        Assert.That(schedule.IntervalSeconds, Is.EqualTo(30));
        Assert.That(schedule.Spec!.Headers["Accept"], Is.EqualTo("*/*"), "the spec survives the jsonb round trip");
    }

    [Test]
    public async Task An_older_upsert_arriving_late_changes_nothing()
    {
        var monitorId = Guid.NewGuid();

        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 2, intervalSeconds: 30));
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, intervalSeconds: 90, paused: true));

        var schedule = await scheduler.FindAsync(monitorId);
        Assert.That(schedule!.Version, Is.EqualTo(2));
        Assert.That(schedule.IntervalSeconds, Is.EqualTo(30));
        Assert.That(schedule.Paused, Is.False);
    }

    [Test]
    public async Task A_redelivered_upsert_is_harmless()
    {
        var monitorId = Guid.NewGuid();
        var upserted = Upserted(monitorId, 1, intervalSeconds: 30);

        await scheduler.PublishAndWaitAsync(upserted);
        await scheduler.PublishAndWaitAsync(upserted);

        Assert.That(
            await TestRun.Database.CountAsync($"select count(*) from scheduler.schedules where monitor_id = '{monitorId}'"),
            Is.EqualTo(1));
    }

    [Test]
    public async Task A_deleted_monitor_stays_deleted_when_a_late_upsert_arrives()
    {
        var monitorId = Guid.NewGuid();

        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1));
        await scheduler.PublishAndWaitAsync(Deleted(monitorId, 2));
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1));

        var schedule = await scheduler.FindAsync(monitorId);
        Assert.That(schedule!.Deleted, Is.True);
        Assert.That(schedule.Version, Is.EqualTo(2));
    }

    [Test]
    public async Task A_delete_that_overtook_the_create_leaves_a_tombstone()
    {
        var monitorId = Guid.NewGuid();

        await scheduler.PublishAndWaitAsync(Deleted(monitorId, 2));
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1));

        var schedule = await scheduler.FindAsync(monitorId);
        Assert.That(schedule!.Deleted, Is.True);
    }

    [Test]
    public async Task Resuming_a_paused_monitor_makes_it_due_at_once()
    {
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, intervalSeconds: 3600, paused: true));
        clock.Advance(TimeSpan.FromMinutes(5));

        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 2, intervalSeconds: 3600, paused: false));

        var schedule = await scheduler.FindAsync(monitorId);
        Assert.That(schedule!.Paused, Is.False);
        Assert.That(schedule.NextCheckAt, Is.EqualTo(clock.GetUtcNow()));
    }
}
