using Microsoft.Extensions.Options;
using Sentinel.Delivery.Channels;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Tests.Channels;

public sealed class ChannelLimiterTests
{
    static ChannelLimiter Limiter(int concurrency, int queue, double waitSeconds = 30) =>
        new(Options.Create(new DeliveryOptions { PerChannelConcurrency = concurrency, PerChannelQueue = queue, BusyWaitSeconds = waitSeconds }));

    [Test]
    public async Task A_full_channel_queues_callers_first_come_first_served_up_to_its_queue_then_turns_the_rest_away()
    {
        var limiter = Limiter(concurrency: 2, queue: 2);
        var channel = Guid.NewGuid();
        var first = await limiter.EnterAsync(channel, CancellationToken.None);
        var second = await limiter.EnterAsync(channel, CancellationToken.None);
        var third = limiter.EnterAsync(channel, CancellationToken.None);
        var fourth = limiter.EnterAsync(channel, CancellationToken.None);
        var fifth = await limiter.EnterAsync(channel, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Not.Null);
            Assert.That(second, Is.Not.Null);
            Assert.That(third.IsCompleted, Is.False, "the third waits for a slot");
            Assert.That(fourth.IsCompleted, Is.False, "the fourth waits too: the queue holds two");
            Assert.That(fifth, Is.Null, "the fifth finds the queue full and is put off at once");
        });

        first!.Dispose();
        var thirdSlot = await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Multiple(() =>
        {
            Assert.That(thirdSlot, Is.Not.Null, "a freed slot goes to the first waiter");
            Assert.That(fourth.IsCompleted, Is.False, "the later waiter still waits");
        });

        second!.Dispose();
        Assert.That(await fourth.WaitAsync(TimeSpan.FromSeconds(5)), Is.Not.Null);
        Assert.That(limiter.EnterAsync(channel, CancellationToken.None).IsCompleted, Is.False,
            "both slots are held again, and a new caller may wait now that the queue is empty");
    }

    [Test]
    public async Task A_wait_ends_without_a_slot_after_BusyWaitSeconds_and_a_slot_released_twice_counts_once()
    {
        var limiter = Limiter(concurrency: 1, queue: 4, waitSeconds: 0.2);
        var channel = Guid.NewGuid();
        var held = await limiter.EnterAsync(channel, CancellationToken.None);

        Assert.That(await limiter.EnterAsync(channel, CancellationToken.None), Is.Null, "no slot freed within the wait");

        held!.Dispose();
        held.Dispose();
        Assert.That(await limiter.EnterAsync(channel, CancellationToken.None), Is.Not.Null);
        Assert.That(await limiter.EnterAsync(channel, CancellationToken.None), Is.Null,
            "one slot, not two: a second Dispose released nothing");
    }

    [Test]
    public async Task Channels_do_not_share_slots()
    {
        var limiter = Limiter(concurrency: 1, queue: 0);
        var busy = Guid.NewGuid();
        Assert.That(await limiter.EnterAsync(busy, CancellationToken.None), Is.Not.Null);

        Assert.That(await limiter.EnterAsync(busy, CancellationToken.None), Is.Null, "no queue: put off at once");
        Assert.That(await limiter.EnterAsync(Guid.NewGuid(), CancellationToken.None), Is.Not.Null);
    }
}
