using Sentinel.Scheduler.Schedules;
using static Sentinel.Scheduler.Tests.Catalog;

namespace Sentinel.Scheduler.Tests.Schedules;

public sealed class ScheduleTests
{
    static readonly Guid MonitorId = Guid.NewGuid();
    static readonly DateTimeOffset Now = Start;

    [Test]
    public void A_new_monitor_is_due_at_once()
    {
        var schedule = Schedule.Create(Upserted(MonitorId, 1, intervalSeconds: 30), Now);

        Assert.That(schedule.NextCheckAt, Is.EqualTo(Now));
        Assert.That(schedule.IntervalSeconds, Is.EqualTo(30));
        Assert.That(schedule.Spec!.Url, Is.EqualTo("https://example.test/health"));
    }

    [Test]
    public void A_newer_version_is_applied()
    {
        var schedule = Schedule.Create(Upserted(MonitorId, 1), Now);

        var applied = schedule.Apply(Upserted(MonitorId, 2, type: "tcp"), Now);

        Assert.That(applied, Is.True);
        Assert.That(schedule.Version, Is.EqualTo(2));
        Assert.That(schedule.Type, Is.EqualTo("tcp"));
    }

    [TestCase(1)]
    [TestCase(2)]
    public void An_older_or_repeated_version_changes_nothing(long version)
    {
        var schedule = Schedule.Create(Upserted(MonitorId, 2, intervalSeconds: 30), Now);

        var applied = schedule.Apply(Upserted(MonitorId, version, intervalSeconds: 90, paused: true), Now.AddMinutes(1));

        Assert.That(applied, Is.False);
        Assert.That(schedule.IntervalSeconds, Is.EqualTo(30));
        Assert.That(schedule.Paused, Is.False);
    }

    [Test]
    public void A_deleted_monitor_is_never_revived_by_an_upsert()
    {
        var schedule = Schedule.Create(Upserted(MonitorId, 1), Now);
        Assert.That(schedule.Apply(Deleted(MonitorId, 2), Now), Is.True);

        Assert.That(schedule.Apply(Upserted(MonitorId, 1), Now), Is.False);
        Assert.That(schedule.Apply(Upserted(MonitorId, 3), Now), Is.False);
        Assert.That(schedule.Deleted, Is.True);
        Assert.That(schedule.Version, Is.EqualTo(2));
    }

    [Test]
    public void A_delete_that_overtook_its_monitor_leaves_a_tombstone_that_wins()
    {
        var tombstone = Schedule.Tombstone(Deleted(MonitorId, 4), Now);

        Assert.That(tombstone.Apply(Upserted(MonitorId, 3), Now), Is.False);
        Assert.That(tombstone.Deleted, Is.True);
        Assert.That(tombstone.Version, Is.EqualTo(4));
    }

    [Test]
    public void A_stale_delete_changes_nothing()
    {
        var schedule = Schedule.Create(Upserted(MonitorId, 5), Now);

        Assert.That(schedule.Apply(Deleted(MonitorId, 4), Now), Is.False);
        Assert.That(schedule.Deleted, Is.False);
    }

    /// A schedule whose last check was due at lastDue, dispatched like the Scheduler does.
    static Schedule Dispatched(int intervalSeconds, DateTimeOffset lastDue)
    {
        var schedule = Schedule.Create(Upserted(MonitorId, 1, intervalSeconds: intervalSeconds), lastDue);
        schedule.Dispatched(lastDue, Sentinel.Scheduler.Dispatch.DispatchPlan.Advance(MonitorId, lastDue, intervalSeconds, lastDue));
        return schedule;
    }

    [Test]
    public void A_shorter_interval_takes_effect_at_the_next_due_time_counted_from_the_last_check()
    {
        var schedule = Dispatched(3600, Now);
        Assert.That(schedule.NextCheckAt, Is.GreaterThan(Now.AddMinutes(30)));

        schedule.Apply(Upserted(MonitorId, 2, intervalSeconds: 60), Now.AddSeconds(10));

        Assert.That(schedule.NextCheckAt, Is.EqualTo(Spread.NextSlot(MonitorId, 60, Now.AddSeconds(30))));
        Assert.That(schedule.NextCheckAt - Now, Is.GreaterThan(TimeSpan.FromSeconds(30)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(90)));
    }

    [Test]
    public void A_shorter_interval_that_has_already_elapsed_since_the_last_check_makes_it_due_at_once()
    {
        var schedule = Dispatched(3600, Now);

        schedule.Apply(Upserted(MonitorId, 2, intervalSeconds: 60), Now.AddMinutes(10));

        Assert.That(schedule.NextCheckAt, Is.EqualTo(Now.AddMinutes(10)));
    }

    [Test]
    public void A_longer_interval_counts_from_the_last_check_rather_than_keeping_the_old_due_time()
    {
        var schedule = Dispatched(60, Now);

        schedule.Apply(Upserted(MonitorId, 2, intervalSeconds: 3600), Now.AddSeconds(10));

        Assert.That(schedule.NextCheckAt, Is.EqualTo(Spread.NextSlot(MonitorId, 3600, Now.AddMinutes(30))));
        Assert.That(schedule.NextCheckAt - Now, Is.GreaterThan(TimeSpan.FromMinutes(30)));
    }

    [Test]
    public void Other_changes_keep_the_next_due_time()
    {
        var schedule = Dispatched(60, Now);
        var next = schedule.NextCheckAt;

        schedule.Apply(Upserted(MonitorId, 2, intervalSeconds: 60) with { TimeoutSeconds = 30 }, Now.AddSeconds(10));

        Assert.That(schedule.NextCheckAt, Is.EqualTo(next));
    }

    [Test]
    public void Pausing_keeps_the_row_and_resuming_makes_it_due_at_once()
    {
        var schedule = Schedule.Create(Upserted(MonitorId, 1), Now);
        schedule.Apply(Upserted(MonitorId, 2, paused: true), Now.AddMinutes(1));
        Assert.That(schedule.Paused, Is.True);

        schedule.Apply(Upserted(MonitorId, 3, paused: false), Now.AddMinutes(30));

        Assert.That(schedule.Paused, Is.False);
        Assert.That(schedule.NextCheckAt, Is.EqualTo(Now.AddMinutes(30)));
    }
}
