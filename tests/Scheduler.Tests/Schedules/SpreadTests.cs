using Sentinel.Scheduler.Schedules;

namespace Sentinel.Scheduler.Tests.Schedules;

public sealed class SpreadTests
{
    [Test]
    public void Ten_thousand_monitors_with_one_interval_spread_evenly_over_it()
    {
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var random = new Random(42);
        var perSecond = Enumerable.Range(0, 10_000)
            .Select(_ => Guid.CreateVersion7(start.AddMilliseconds(random.Next(1000)))) // created within one second
            .Select(id => Spread.NextSlot(id, 10, start.AddMilliseconds(-1)))
            .GroupBy(slot => (long)(slot - start).TotalSeconds)
            .ToDictionary(g => g.Key, g => g.Count());

        Assert.That(perSecond.Keys, Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => (long)i)), "every second of the interval is used");
        Assert.That(perSecond.Values, Has.All.InRange(850, 1150), "about 1,000 a second, never all at once");
    }

    [Test]
    public void A_monitor_keeps_its_slot_and_its_slots_are_one_interval_apart()
    {
        var id = Guid.NewGuid();
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        var first = Spread.NextSlot(id, 60, start);
        var again = Spread.NextSlot(id, 60, start.AddMilliseconds(1));
        var second = Spread.NextSlot(id, 60, first);

        Assert.That(first, Is.GreaterThan(start).And.LessThanOrEqualTo(start.AddSeconds(60)));
        Assert.That(again, Is.EqualTo(first));
        Assert.That(second, Is.EqualTo(first.AddSeconds(60)), "strictly after: a slot is never its own successor");
        Assert.That(Spread.OffsetMs(id, 60_000), Is.EqualTo(Spread.OffsetMs(new Guid(id.ToString()), 60_000)));
    }
}
