using Microsoft.Extensions.Time.Testing;
using Sentinel.Scheduler.Heartbeats;

namespace Sentinel.Scheduler.Tests.Heartbeats;

/// Deadlines as Healthchecks.io computes them: last success + period (or the next cron slot) + grace.
public sealed class HeartbeatDeadlinesTests
{
    static DateTimeOffset Utc(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    static DateTimeOffset? Next(string schedule, string zone, DateTimeOffset after) =>
        HeartbeatDeadlines.NextExpected(new HeartbeatTiming(null, schedule, zone, 0), after);

    [Test]
    public void A_period_heartbeat_is_in_time_one_tick_before_its_deadline_and_late_at_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var expected = HeartbeatDeadlines.NextExpected(new HeartbeatTiming(60, null, null, 30), clock.GetUtcNow());
        var deadline = HeartbeatDeadlines.Deadline(expected, [], 30)!.Value;

        Assert.That(deadline.At, Is.EqualTo(clock.GetUtcNow().AddSeconds(90)));
        Assert.That(deadline.Reason, Is.EqualTo(HeartbeatDeadlines.Late));
        clock.Advance(TimeSpan.FromSeconds(90) - TimeSpan.FromTicks(1));
        Assert.That(HeartbeatDeadlines.IsMissed(deadline.At, clock.GetUtcNow()), Is.False, "one tick before the deadline");
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.That(HeartbeatDeadlines.IsMissed(deadline.At, clock.GetUtcNow()), Is.True, "at the deadline");
    }

    [Test]
    public void A_cron_slot_skipped_by_spring_forward_in_Berlin_is_expected_at_the_transition()
    {
        // 2026-03-29 02:00 CET does not exist (clocks jump to 03:00 CEST = 01:00 UTC).
        var saturday = Next("0 2 * * *", "Europe/Berlin", Utc(3, 27, 1, 0));
        var sunday = Next("0 2 * * *", "Europe/Berlin", saturday!.Value);
        var monday = Next("0 2 * * *", "Europe/Berlin", sunday!.Value);

        Assert.That(saturday, Is.EqualTo(Utc(3, 28, 1, 0)), "02:00 CET");
        Assert.That(sunday, Is.EqualTo(Utc(3, 29, 1, 0)), "03:00 CEST, the moment 02:00 was skipped");
        Assert.That(monday, Is.EqualTo(Utc(3, 30, 0, 0)), "02:00 CEST, 23 hours later");
    }

    [Test]
    public void A_cron_slot_repeated_by_fall_back_in_Berlin_is_expected_once()
    {
        // 2026-10-25 02:00-03:00 happens twice (CEST, then CET).
        var sunday = Next("0 2 * * *", "Europe/Berlin", Utc(10, 24, 0, 0));
        var monday = Next("0 2 * * *", "Europe/Berlin", sunday!.Value);

        Assert.That(sunday, Is.EqualTo(Utc(10, 25, 0, 0)), "the first 02:00 (CEST)");
        Assert.That(monday, Is.EqualTo(Utc(10, 26, 1, 0)), "the next day's 02:00 CET, not the repeated 02:00 CET an hour later");
    }

    [Test]
    public void A_cron_slot_in_the_repeated_hour_in_New_York_is_expected_once_and_the_next_follows_25_hours_later()
    {
        // 2026-11-01 01:00-02:00 happens twice (EDT, then EST).
        var sunday = Next("30 1 * * *", "America/New_York", Utc(10, 31, 6, 0));
        var monday = Next("30 1 * * *", "America/New_York", sunday!.Value);

        Assert.That(sunday, Is.EqualTo(Utc(11, 1, 5, 30)), "01:30 EDT");
        Assert.That(monday, Is.EqualTo(Utc(11, 2, 6, 30)), "01:30 EST the next day");
    }

    [Test]
    public void A_cron_slot_in_New_York_is_unaffected_when_spring_forward_skips_a_later_hour()
    {
        // 2026-03-08 02:00 EST jumps to 03:00 EDT; 01:30 exists on both sides of it.
        var sunday = Next("30 1 * * *", "America/New_York", Utc(3, 7, 7, 0));
        var monday = Next("30 1 * * *", "America/New_York", sunday!.Value);

        Assert.That(sunday, Is.EqualTo(Utc(3, 8, 6, 30)), "01:30 EST");
        Assert.That(monday, Is.EqualTo(Utc(3, 9, 5, 30)), "01:30 EDT, 23 hours later");
    }

    [Test]
    public void The_next_cron_slot_is_strictly_after_a_ping_on_the_slot_and_grace_is_added()
    {
        var slot = Utc(3, 2, 10, 0);
        var expected = Next("0 * * * *", "UTC", slot);

        Assert.That(expected, Is.EqualTo(Utc(3, 2, 11, 0)));
        Assert.That(HeartbeatDeadlines.Deadline(expected, [], 300)!.Value.At, Is.EqualTo(Utc(3, 2, 11, 5)));
    }

    [Test]
    public void An_unusable_schedule_or_time_zone_expects_nothing()
    {
        Assert.That(Next("not cron", "UTC", Utc(3, 1, 0, 0)), Is.Null);
        Assert.That(Next("0 2 * * *", "Mars/Olympus", Utc(3, 1, 0, 0)), Is.Null);
        Assert.That(HeartbeatDeadlines.Deadline(null, [], 60), Is.Null);
    }

    [Test]
    public void The_oldest_open_run_wins_over_the_next_expected_ping_when_it_times_out_first()
    {
        var start = Utc(3, 1, 12, 0);

        var deadline = HeartbeatDeadlines.Deadline(
            start.AddHours(1), [new OpenRun(Guid.NewGuid(), start.AddMinutes(5)), new OpenRun(null, start)], 60)!.Value;

        Assert.That(deadline.At, Is.EqualTo(start.AddSeconds(60)));
        Assert.That(deadline.Reason, Is.EqualTo(HeartbeatDeadlines.RunTimeout));
    }

    [Test]
    public void Ping_times_are_cut_to_the_microseconds_PostgreSQL_keeps()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);

        var stored = HeartbeatDeadlines.ToStoredPrecision(at);

        Assert.That(stored.Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(stored.UtcTicks, Is.EqualTo(at.UtcTicks - 7));
    }

    [Test]
    public void The_wake_up_time_only_moves_earlier_with_the_deadline_and_goes_with_it()
    {
        var wake = Utc(3, 1, 12, 0);

        Assert.That(HeartbeatDeadlines.WakeAt(null, wake), Is.EqualTo(wake), "the first deadline sets it");
        Assert.That(HeartbeatDeadlines.WakeAt(wake, wake.AddMinutes(5)), Is.EqualTo(wake), "a later deadline keeps it");
        Assert.That(HeartbeatDeadlines.WakeAt(wake, wake), Is.EqualTo(wake));
        Assert.That(HeartbeatDeadlines.WakeAt(wake, wake.AddMinutes(-5)), Is.EqualTo(wake.AddMinutes(-5)), "an earlier one lowers it");
        Assert.That(HeartbeatDeadlines.WakeAt(wake, null), Is.Null, "no deadline, no wake-up");
    }
}
