using Sentinel.TelemetryIngest.Stats;

namespace Sentinel.TelemetryIngest.Tests.Stats;

public sealed class StatsPlanTests
{
    static readonly DateTimeOffset Now = new(2025, 6, 15, 10, 30, 15, TimeSpan.Zero);
    static readonly DateTimeOffset KeptFrom = new(2025, 5, 16, 0, 0, 0, TimeSpan.Zero);
    static DateTimeOffset T(int day, int hour, int minute = 0, int second = 0) => new(2025, 6, day, hour, minute, second, TimeSpan.Zero);

    [Test]
    public void A_week_is_raw_at_its_partial_edges_hourly_around_whole_days_and_daily_inside()
    {
        var plan = StatsPlan.Create(Now.AddDays(-7), Now, KeptFrom, new HashSet<DateTimeOffset>(), useDays: true);

        Assert.That(plan, Is.EqualTo(new[]
        {
            new PlanPart(PartSource.Raw, T(8, 10, 30, 15), T(8, 11)),
            new PlanPart(PartSource.Hour, T(8, 11), T(9, 0)),
            new PlanPart(PartSource.Day, T(9, 0), T(15, 0)),
            new PlanPart(PartSource.Hour, T(15, 0), T(15, 10)),
            new PlanPart(PartSource.Raw, T(15, 10), Now),
        }));
    }

    [Test]
    public void A_pending_hour_is_read_raw_and_its_day_by_the_hour()
    {
        var plan = StatsPlan.Create(Now.AddDays(-7), Now, KeptFrom, new HashSet<DateTimeOffset> { T(12, 5) }, useDays: true);

        Assert.That(plan, Is.EqualTo(new[]
        {
            new PlanPart(PartSource.Raw, T(8, 10, 30, 15), T(8, 11)),
            new PlanPart(PartSource.Hour, T(8, 11), T(9, 0)),
            new PlanPart(PartSource.Day, T(9, 0), T(12, 0)),
            new PlanPart(PartSource.Hour, T(12, 0), T(12, 5)),
            new PlanPart(PartSource.Raw, T(12, 5), T(12, 6)),
            new PlanPart(PartSource.Hour, T(12, 6), T(13, 0)),
            new PlanPart(PartSource.Day, T(13, 0), T(15, 0)),
            new PlanPart(PartSource.Hour, T(15, 0), T(15, 10)),
            new PlanPart(PartSource.Raw, T(15, 10), Now),
        }));
    }

    [Test]
    public void Without_days_the_middle_is_read_by_the_hour()
    {
        var plan = StatsPlan.Create(Now.AddDays(-2), Now, KeptFrom, new HashSet<DateTimeOffset>(), useDays: false);

        Assert.That(plan.Select(p => p.Source), Is.EqualTo(new[] { PartSource.Raw, PartSource.Hour, PartSource.Raw }));
        Assert.That(plan[1], Is.EqualTo(new PlanPart(PartSource.Hour, T(13, 11), T(15, 10))));
    }

    [Test]
    public void An_edge_older_than_the_raw_retention_widens_to_its_whole_hour()
    {
        var plan = StatsPlan.Create(Now.AddDays(-90), Now, KeptFrom, new HashSet<DateTimeOffset>(), useDays: true);

        Assert.That(plan[0], Is.EqualTo(new PlanPart(PartSource.Hour, new DateTimeOffset(2025, 3, 17, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 18, 0, 0, 0, TimeSpan.Zero))));
        Assert.That(plan[^1].Source, Is.EqualTo(PartSource.Raw));
    }

    [Test]
    public void A_window_inside_one_hour_is_all_raw()
    {
        var plan = StatsPlan.Create(T(15, 10, 5), T(15, 10, 25), KeptFrom, new HashSet<DateTimeOffset>(), useDays: true);

        Assert.That(plan, Is.EqualTo(new[] { new PlanPart(PartSource.Raw, T(15, 10, 5), T(15, 10, 25)) }));
    }
}
