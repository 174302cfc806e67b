using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.Scheduler.Tests.Heartbeats.Pings;

namespace Sentinel.Scheduler.Tests.Heartbeats;

/// Pings that move a deadline later are HOT updates of their heartbeat row (no indexed value changes, room on the
/// page): what keeps 10,000 pings a second from writing index entries. Counted by PostgreSQL's own statistics, in a
/// database of its own so that only these pings' updates are in them.
public sealed class HeartbeatHotUpdateTests
{
    readonly FakeTimeProvider clock = new(Catalog.Start);
    TestDatabase database = null!;
    TestVirtualHost virtualHost = null!;
    SchedulerHost scheduler = null!;

    [OneTimeSetUp]
    public async Task StartScheduler()
    {
        database = await TestDatabase.CreateAsync("scheduler_hb_hot");
        virtualHost = await TestVirtualHost.CreateAsync("scheduler_hb_hot");
        scheduler = await SchedulerHost.StartAsync(database, virtualHost, clock);
    }

    [OneTimeTearDown]
    public async Task StopScheduler()
    {
        await scheduler.DisposeAsync();
        await database.DisposeAsync();
        await virtualHost.DisposeAsync();
    }

    [Test]
    public async Task Repeated_pings_update_the_heartbeat_row_hot()
    {
        const int pings = 20;
        var monitorId = Guid.NewGuid();
        await scheduler.PublishAndWaitAsync(Upserted(monitorId, 1, Period(60, 30)));
        await scheduler.PublishAndWaitAsync(HeartbeatsPacked.Pack(Guid.NewGuid(), [Success(monitorId, clock.GetUtcNow())]));

        // One batch (one transaction, one UPDATE) per ping, each moving the deadline a second later.
        for (var i = 0; i < pings; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await scheduler.PublishAndWaitAsync(HeartbeatsPacked.Pack(Guid.NewGuid(), [Success(monitorId, clock.GetUtcNow())]));
        }

        // The consumer's backends flush their statistics shortly after going idle (at most once a second each); every
        // count opens a new session, so it reads a fresh snapshot.
        var hot = await Poll.UntilAsync(
            () => database.CountAsync(
                "select n_tup_hot_upd from pg_stat_user_tables where schemaname = 'scheduler' and relname = 'heartbeats'"),
            n => n >= pings, TimeSpan.FromSeconds(30), $"{pings} HOT updates of scheduler.heartbeats");
        Assert.That(hot, Is.GreaterThanOrEqualTo(pings));
        Assert.That(await database.CountAsync(
                "select count(*) from pg_class where oid = 'scheduler.heartbeats'::regclass and 'fillfactor=85' = any(reloptions)"),
            Is.EqualTo(1), "the table leaves room on its pages for them");
    }
}
