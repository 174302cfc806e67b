using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Tests.Notifications;

public sealed class NotificationTextTests
{
    static readonly DateTimeOffset FirstFailure = new(2026, 11, 23, 5, 0, 0, TimeSpan.Zero);

    static SendNotification Notification(string @event, string? error = null, string? custom = null, TimeSpan? downFor = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "api", @event,
            @event, error, custom, FirstFailure, downFor is { } d ? FirstFailure + d : null, FirstFailure + (downFor ?? TimeSpan.Zero));

    [Test]
    public void A_down_notification_names_the_monitor_and_the_error() =>
        Assert.That(NotificationText.For(Notification(NotificationEvents.Down, "connection refused")),
            Is.EqualTo("Monitor 'api' is DOWN: connection refused"));

    [Test]
    public void A_down_notification_without_an_error_says_only_down() =>
        Assert.That(NotificationText.For(Notification(NotificationEvents.Down)), Is.EqualTo("Monitor 'api' is DOWN"));

    [Test]
    public void An_up_notification_says_how_long_the_monitor_was_down() =>
        Assert.That(NotificationText.For(Notification(NotificationEvents.Up, downFor: TimeSpan.FromSeconds(130))),
            Is.EqualTo("Monitor 'api' is UP again after 2m 10s"));

    [Test]
    public void A_custom_message_replaces_the_default() =>
        Assert.That(NotificationText.For(Notification(NotificationEvents.Down, "boom", custom: "Page the API team")),
            Is.EqualTo("Page the API team"));

    [Test]
    public void An_SLO_burn_alert_names_the_SLO_and_its_burn_rates()
    {
        var burning = Notification(SloNotificationEvents.Burning, "burn rate 16.7× over 1h and 200.0× over 5m (threshold 14.4×)");
        Assert.That(NotificationText.For(burning),
            Is.EqualTo("SLO 'api' is burning its error budget too fast: burn rate 16.7× over 1h and 200.0× over 5m (threshold 14.4×)"));
        Assert.That(NotificationText.Title(burning), Is.EqualTo("🔥 SLO burning: api"));
        var message = NotificationMessage.From(burning, "https://sentinel.test/incidents/{incidentId}");
        Assert.That(message.Fields.Select(f => f.Name), Is.EqualTo(new[] { "SLO", "Status", "Burn rate", "Burning since" }));
        Assert.That(message.IsRecovery, Is.False);
    }

    [Test]
    public void An_SLO_recovery_says_how_long_the_budget_burned()
    {
        var recovered = Notification(SloNotificationEvents.Recovered, "burn rate 16.7× over 1h", downFor: TimeSpan.FromMinutes(39));
        Assert.That(NotificationText.For(recovered), Is.EqualTo("SLO 'api' is back within its burn-rate thresholds after 39m"));
        Assert.That(NotificationText.Title(recovered), Is.EqualTo("✅ SLO OK: api"));
        var message = NotificationMessage.From(recovered, "https://sentinel.test/incidents/{incidentId}");
        Assert.That(message.IsRecovery, Is.True);
        Assert.That(message.Fields.Select(f => f.Name), Is.EqualTo(new[] { "SLO", "Status", "Burned for" }));
    }

    [TestCase(0, "0s")]
    [TestCase(45, "45s")]
    [TestCase(60, "1m")]
    [TestCase(130, "2m 10s")]
    [TestCase(3900, "1h 5m")]
    [TestCase(3605, "1h")]
    [TestCase(277200, "3d 5h")]
    public void Durations_show_their_two_largest_units(int seconds, string expected) =>
        Assert.That(NotificationText.Duration(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));
}
