using Sentinel.Gateway.MaintenanceWindows;
using Sentinel.Gateway.StatusPages;

namespace Sentinel.Gateway.Tests.StatusPages;

public sealed class StatusSnapshotTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 30, 0, TimeSpan.Zero);

    [Test]
    public void Days_without_a_bucket_stay_in_place_as_no_data()
    {
        var buckets = new[]
        {
            (new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), 1440L, (double?)99.0, 864.0),
            (new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), 510L, (double?)100.0, 0.0),
        };

        var days = UptimeDays.Fit(buckets, Now, 5);

        Assert.That(days.Select(d => d.Date.Day), Is.EqualTo(new[] { 19, 20, 21, 22, 23 }));
        Assert.That(days.Select(d => d.UptimePercent), Is.EqualTo(new double?[] { null, null, 99.0, null, 100.0 }));
        Assert.That(UptimeDays.Overall(days), Is.EqualTo((99.0 * 1440 + 100.0 * 510) / 1950).Within(1e-9));
        Assert.That(UptimeDays.Overall(UptimeDays.Fit([], Now, 3)), Is.Null);
    }

    [Test]
    public void A_one_off_window_is_active_inside_upcoming_within_the_horizon_and_gone_after()
    {
        var window = new MaintenanceWindow { StartsAt = Now.AddHours(-1), EndsAt = Now.AddHours(1) };
        var later = new MaintenanceWindow { StartsAt = Now.AddDays(3), EndsAt = Now.AddDays(3).AddHours(1) };
        var past = new MaintenanceWindow { StartsAt = Now.AddHours(-3), EndsAt = Now.AddHours(-2) };
        var far = new MaintenanceWindow { StartsAt = Now.AddDays(30), EndsAt = Now.AddDays(31) };

        Assert.That(MaintenanceOccurrence.Next(window, Now, TimeSpan.FromDays(7)), Is.EqualTo((window.StartsAt!.Value, window.EndsAt!.Value)));
        Assert.That(MaintenanceOccurrence.Next(later, Now, TimeSpan.FromDays(7)), Is.Not.Null);
        Assert.That(MaintenanceOccurrence.Next(past, Now, TimeSpan.FromDays(7)), Is.Null);
        Assert.That(MaintenanceOccurrence.Next(far, Now, TimeSpan.FromDays(7)), Is.Null);
    }

    [Test]
    public void A_recurring_window_that_started_within_its_duration_is_active_now()
    {
        // Every day at 08:00 Berlin (07:00 UTC in November) for two hours: at 08:30 UTC it is running.
        var nightly = new MaintenanceWindow { Cron = "0 8 * * *", DurationSeconds = 7200, TimeZone = "Europe/Berlin" };

        var occurrence = MaintenanceOccurrence.Next(nightly, Now, TimeSpan.FromDays(7));

        Assert.That(occurrence, Is.EqualTo((Now.AddMinutes(-90), Now.AddMinutes(30))));
    }
}
