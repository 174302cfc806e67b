using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.Delivery.Channels;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Tests.Notifications;

public sealed class NotificationDeliveryTests
{
    const int MaxAttempts = 3;
    readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 23, 5, 0, 0, TimeSpan.Zero));

    NotificationDelivery Start() =>
        NotificationDelivery.Start(
            new SendNotification(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "api",
                NotificationEvents.Down, MonitorStatuses.Down, "boom", null, clock.GetUtcNow(), null, clock.GetUtcNow()),
            clock.GetUtcNow(), clock.GetUtcNow().AddMinutes(2));

    DeliveryAttempt Send(NotificationDelivery delivery, SendResult result)
    {
        var started = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromMilliseconds(120));
        return delivery.Record(result, started, clock.GetUtcNow(), MaxAttempts, clock.GetUtcNow().AddSeconds(10));
    }

    [Test]
    public void A_2xx_delivers_and_records_the_attempt()
    {
        var delivery = Start();

        var attempt = Send(delivery, SendResult.Delivered(204));

        Assert.Multiple(() =>
        {
            Assert.That(delivery.Status, Is.EqualTo(DeliveryStatuses.Delivered));
            Assert.That(delivery.DeliveredAt, Is.EqualTo(clock.GetUtcNow()));
            Assert.That(attempt.Attempt, Is.EqualTo(1));
            Assert.That(attempt.DurationMs, Is.EqualTo(120));
            Assert.That(attempt.Outcome, Is.EqualTo("delivered"));
            Assert.That(delivery.ToDelivered().Attempts, Is.EqualTo(1));
        });
    }

    [Test]
    public void A_transient_error_keeps_the_delivery_pending_until_the_last_attempt()
    {
        var delivery = Start();

        Send(delivery, SendResult.Transient(503, "HTTP 503"));
        var pendingAfterSecond = Send(delivery, SendResult.Transient(null, "timed out")) is { Attempt: 2 } && !delivery.IsFinal;
        Send(delivery, SendResult.Transient(500, "HTTP 500"));

        Assert.Multiple(() =>
        {
            Assert.That(pendingAfterSecond, Is.True);
            Assert.That(delivery.Status, Is.EqualTo(DeliveryStatuses.Failed));
            Assert.That(delivery.Attempts, Is.EqualTo(MaxAttempts));
            Assert.That(delivery.ToFailed().Error, Is.EqualTo("HTTP 500"));
        });
    }

    [Test]
    public void A_permanent_error_fails_at_once()
    {
        var delivery = Start();

        Send(delivery, SendResult.Permanent(400, "HTTP 400"));

        Assert.Multiple(() =>
        {
            Assert.That(delivery.Status, Is.EqualTo(DeliveryStatuses.Failed));
            Assert.That(delivery.Attempts, Is.EqualTo(1));
            Assert.That(delivery.LastStatusCode, Is.EqualTo(400));
        });
    }
}
