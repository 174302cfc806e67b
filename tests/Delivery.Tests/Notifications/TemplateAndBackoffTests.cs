using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Tests.Notifications;

public sealed class TemplateAndBackoffTests
{
    static readonly DateTimeOffset Start = new(2026, 11, 23, 5, 0, 0, TimeSpan.Zero);

    static SendNotification Down(string? custom) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.Parse("0193a5f0-0000-7000-8000-00000000000a"), Guid.NewGuid(), "api",
            NotificationEvents.Down, MonitorStatuses.Down, "timeout", custom, Start, null, Start.AddSeconds(130), Tags: ["prod", "eu"]);

    [Test]
    public void A_custom_message_has_its_placeholders_filled()
    {
        var text = NotificationText.For(
            Down("{{monitor.name}} {{ status }} ({{error}}) for {{duration}} [{{tags}}] {{incident.url}} at {{timestamp}}"),
            "https://s.example/i/0193a5f0-0000-7000-8000-00000000000a");

        Assert.That(text, Is.EqualTo(
            "api down (timeout) for 2m 10s [prod, eu] https://s.example/i/0193a5f0-0000-7000-8000-00000000000a at 2026-11-23T05:02:10Z"));
    }

    [Test]
    public void Every_placeholder_the_Gateway_allows_is_filled_by_Delivery()
    {
        var values = Placeholders.ValuesFor(Down(null), "u");
        Assert.That(MessagePlaceholders.Names, Is.SubsetOf(values.Keys));
    }

    [Test]
    public void Unknown_placeholders_are_reported_once_each()
    {
        Assert.Multiple(() =>
        {
            Assert.That(MessagePlaceholders.Unknown("{{monitor.name}} {{monitor.nam}} {{x}} {{x}}"), Is.EqualTo(new[] { "monitor.nam", "x" }));
            Assert.That(MessagePlaceholders.Unknown("plain text, {single} braces"), Is.Empty);
        });
    }

    [Test]
    public void Reminder_and_escalation_read_like_down_with_their_own_titles()
    {
        var reminder = Down(null) with { Event = NotificationEvents.Reminder };
        var escalation = Down(null) with { Event = NotificationEvents.Escalation, EscalationLevel = 2 };
        Assert.Multiple(() =>
        {
            Assert.That(NotificationText.Title(reminder), Is.EqualTo("🔁 Still DOWN: api"));
            Assert.That(NotificationText.For(reminder), Is.EqualTo("Monitor 'api' is still DOWN after 2m 10s: timeout"));
            Assert.That(NotificationText.Title(escalation), Is.EqualTo("🚨 Escalation (level 2): api is DOWN"));
        });
    }

    [Test]
    public void Backoff_doubles_with_jitter_up_to_the_cap()
    {
        var options = new DeliveryOptions { RetryBaseSeconds = 10, RetryMaxSeconds = 60 };
        var random = new Random(7);
        var waits = Enumerable.Range(2, 6).Select(n => Backoff.Before(n, null, options, random).TotalSeconds).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(waits[0], Is.InRange(5, 10));
            Assert.That(waits[1], Is.InRange(10, 20));
            Assert.That(waits[2], Is.InRange(20, 40));
            Assert.That(waits.Skip(3), Has.All.InRange(30, 60));
        });
    }

    [Test]
    public void A_Retry_After_longer_than_the_backoff_wins_and_is_capped()
    {
        var options = new DeliveryOptions { RetryBaseSeconds = 1, MaxRetryAfterSeconds = 120 };
        Assert.Multiple(() =>
        {
            Assert.That(Backoff.Before(2, TimeSpan.FromSeconds(30), options, new Random(1)), Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(Backoff.Before(2, TimeSpan.FromHours(5), options, new Random(1)), Is.EqualTo(TimeSpan.FromSeconds(120)));
        });
    }
}
