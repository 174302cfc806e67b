using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.AlertEvaluation.Tests.Alerting;

namespace Sentinel.AlertEvaluation.Tests.Maintenance;

public sealed class MaintenanceFlowTests
{
    [Test]
    public async Task A_recurring_window_in_Kolkata_time_silences_its_tag_and_one_alert_goes_out_when_it_ends_still_down()
    {
        var (monitor, tenant, channel, window) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        // A daily window that began a minute ago, written in the wall clock of a UTC+05:30 zone.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var local = TimeZoneInfo.ConvertTime(AlertEvaluationHost.Clock.GetUtcNow(), zone).DateTime;
        var startLocal = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(-1);
        var end = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(startLocal, zone)).AddMinutes(10);
        await PublishAndWaitAsync(new MaintenanceWindowUpserted(window, tenant, 1, "nightly patching", [], ["db"], null, null,
            $"{startLocal.Minute} {startLocal.Hour} * * *", 600, "Asia/Kolkata", DateTimeOffset.UtcNow), "maintenance_windows", "window_id", window);
        await PublishMonitorAsync(Monitor(monitor, tenant, [channel], tags: ["db", "eu"]));

        await FailAsync(monitor, tenant);
        var incidentId = await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.incidents where monitor_id = '{monitor}' and in_maintenance"),
            n => n == 1, Wait, "an incident marked as opened in maintenance");
        await FailAsync(monitor, tenant);
        await AdvanceClockAsync(end - AlertEvaluationHost.Clock.GetUtcNow() - TimeSpan.FromSeconds(3));
        Assert.That(SentFor(monitor), Is.Empty, "checks go on, notifications do not");

        await AdvanceClockAsync(TimeSpan.FromSeconds(4));
        var sent = await SentAsync(monitor, l => l.Count >= 1, "the alert at the end of the window");
        await AdvanceClockAsync(TimeSpan.FromMinutes(5));
        Assert.That(SentFor(monitor), Has.Count.EqualTo(1), "one notification, once");
        Assert.That(sent[0].Event, Is.EqualTo(NotificationEvents.Down));
        var history = await HistoryAsync(tenant, monitor);
        Assert.That(history.EnumerateArray().Any(h => h.GetProperty("kind").GetString() == "held"
            && h.GetProperty("detail").GetString()!.Contains("maintenance")), Is.True);
    }

    [Test]
    public async Task A_monitor_outside_the_windows_tags_alerts_at_once()
    {
        var (monitor, tenant, channel, window) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var now = AlertEvaluationHost.Clock.GetUtcNow();
        await PublishAndWaitAsync(new MaintenanceWindowUpserted(window, tenant, 1, "db only", [], ["db"], now.AddHours(-1), now.AddHours(1),
            null, null, null, DateTimeOffset.UtcNow), "maintenance_windows", "window_id", window);
        await PublishMonitorAsync(Monitor(monitor, tenant, [channel], tags: ["web"]));

        await FailAsync(monitor, tenant);

        await SentAsync(monitor, l => l.Count == 1, "the down alert");
    }
}
