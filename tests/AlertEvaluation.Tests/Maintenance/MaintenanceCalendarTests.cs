using Sentinel.AlertEvaluation.Maintenance;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Tests.Maintenance;

public sealed class MaintenanceCalendarTests
{
    static MaintenanceWindowCopy Window(DateTimeOffset? starts = null, DateTimeOffset? ends = null, string? cron = null, int? duration = null, string? zone = null)
    {
        var window = new MaintenanceWindowCopy { WindowId = Guid.NewGuid(), TenantId = Guid.NewGuid() };
        window.Apply(new MaintenanceWindowUpserted(window.WindowId, window.TenantId, 1, "w", [], ["db"], starts, ends, cron, duration, zone, DateTimeOffset.UtcNow));
        return window;
    }

    [Test]
    public void A_one_off_window_covers_its_start_but_not_its_end()
    {
        var start = new DateTimeOffset(2026, 12, 1, 21, 0, 0, TimeSpan.Zero);
        var window = Window(start, start.AddHours(1));

        Assert.That(MaintenanceCalendar.ActiveUntil([window], start.AddTicks(-1)), Is.Null);
        Assert.That(MaintenanceCalendar.ActiveUntil([window], start), Is.EqualTo(start.AddHours(1)));
        Assert.That(MaintenanceCalendar.ActiveUntil([window], start.AddHours(1).AddTicks(-1)), Is.EqualTo(start.AddHours(1)));
        Assert.That(MaintenanceCalendar.ActiveUntil([window], start.AddHours(1)), Is.Null);
    }

    [Test]
    public void A_recurring_window_follows_local_time_in_its_zone_across_daylight_saving()
    {
        // Sundays 02:30 in New York for one hour. In winter (EST, UTC-5) that is 07:30 UTC; in summer (EDT) 06:30 UTC.
        var window = Window(cron: "30 2 * * 0", duration: 3600, zone: "America/New_York");
        var winterStart = new DateTimeOffset(2026, 12, 6, 7, 30, 0, TimeSpan.Zero);
        var summerStart = new DateTimeOffset(2026, 7, 5, 6, 30, 0, TimeSpan.Zero);

        Assert.That(MaintenanceCalendar.ActiveUntil([window], winterStart.AddSeconds(-1)), Is.Null);
        Assert.That(MaintenanceCalendar.ActiveUntil([window], winterStart), Is.EqualTo(winterStart.AddHours(1)));
        Assert.That(MaintenanceCalendar.ActiveUntil([window], winterStart.AddMinutes(59)), Is.EqualTo(winterStart.AddHours(1)));
        Assert.That(MaintenanceCalendar.ActiveUntil([window], winterStart.AddHours(1)), Is.Null);
        Assert.That(MaintenanceCalendar.ActiveUntil([window], summerStart), Is.EqualTo(summerStart.AddHours(1)));
        Assert.That(MaintenanceCalendar.ActiveUntil([window], summerStart.AddHours(1)), Is.Null, "an hour later in summer is not inside");
        Assert.That(MaintenanceCalendar.ActiveUntil([window], winterStart.AddDays(1)), Is.Null, "Mondays are not covered");
        Assert.That(MaintenanceCalendar.ActiveUntil([window], winterStart)!.Value.Offset, Is.EqualTo(TimeSpan.Zero), "due times are UTC");
    }

    [Test]
    public void Overlapping_windows_silence_until_the_latest_end_and_deleted_ones_not_at_all()
    {
        var at = new DateTimeOffset(2026, 12, 1, 9, 55, 0, TimeSpan.Zero);
        var first = Window(at.AddMinutes(-55), at.AddMinutes(5));
        var second = Window(at.AddMinutes(-5), at.AddMinutes(35));
        var deleted = Window(at.AddMinutes(-5), at.AddHours(5));
        deleted.MarkDeleted(2);

        Assert.That(MaintenanceCalendar.ActiveUntil([first, second, deleted], at), Is.EqualTo(at.AddMinutes(35)));
    }
}
