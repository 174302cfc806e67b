using Sentinel.Contracts;
using Sentinel.Scheduler.Dispatch;
using Sentinel.Scheduler.Schedules;
using static Sentinel.Scheduler.Tests.Catalog;

namespace Sentinel.Scheduler.Tests.Dispatch;

public sealed class DispatchPlanTests
{
    static readonly Guid Monitor = Guid.Parse("0195a3c2-7d4e-7a10-8b2c-3f4e5d6c7b8a");

    /// A due time on the monitor's 30 s grid.
    static readonly DateTimeOffset OnGrid = Spread.NextSlot(Monitor, 30, Start);

    [Test]
    public void A_check_dispatched_on_time_is_next_due_one_interval_after_its_due_time()
    {
        var next = DispatchPlan.Advance(Monitor, OnGrid, 30, OnGrid.AddMilliseconds(400));

        Assert.That(next, Is.EqualTo(OnGrid.AddSeconds(30)));
    }

    [Test]
    public void A_late_check_keeps_the_rhythm_when_the_next_slot_is_still_ahead()
    {
        var next = DispatchPlan.Advance(Monitor, OnGrid, 30, OnGrid.AddSeconds(29));

        Assert.That(next, Is.EqualTo(OnGrid.AddSeconds(30)));
    }

    [TestCase(30)]
    [TestCase(31)]
    [TestCase(3600)]
    public void A_scheduler_that_fell_behind_skips_the_missed_checks_instead_of_bursting(int secondsLate)
    {
        var now = OnGrid.AddSeconds(secondsLate);

        var next = DispatchPlan.Advance(Monitor, OnGrid, 30, now);

        Assert.That(next - now, Is.GreaterThan(TimeSpan.FromSeconds(15)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(45)));
        Assert.That((next - OnGrid).Ticks % TimeSpan.FromSeconds(30).Ticks, Is.Zero, "still on the monitor's grid");
    }

    [Test]
    public void A_first_check_off_the_grid_moves_onto_it_at_least_half_an_interval_later()
    {
        var created = Start.AddMilliseconds(123);

        var next = DispatchPlan.Advance(Monitor, created, 30, created);

        Assert.That(next - created, Is.GreaterThan(TimeSpan.FromSeconds(15)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(45)));
        Assert.That((next - OnGrid).Ticks % TimeSpan.FromSeconds(30).Ticks, Is.Zero);
    }

    [Test]
    public void A_nonsensical_interval_is_treated_as_one_second_rather_than_a_busy_loop()
    {
        var next = DispatchPlan.Advance(Monitor, Start, 0, Start);

        Assert.That(next - Start, Is.GreaterThan(TimeSpan.FromSeconds(0.5)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(1.5)));
    }

    [TestCase(0, 50, new int[0])]
    [TestCase(1, 50, new[] { 1 })]
    [TestCase(50, 50, new[] { 50 })]
    [TestCase(51, 50, new[] { 50, 1 })]
    [TestCase(120, 50, new[] { 50, 50, 20 })]
    public void Checks_are_sent_in_batches_of_at_most_the_batch_size(int count, int batchSize, int[] sizes)
    {
        var items = Enumerable.Range(0, count).ToList();

        var batches = DispatchPlan.Chunk(items, batchSize);

        Assert.That(batches.Select(b => b.Count), Is.EqualTo(sizes));
        Assert.That(batches.SelectMany(b => b), Is.EqualTo(items), "every item once, in order");
    }

    [Test]
    public void A_due_check_is_named_by_its_monitor_and_due_time()
    {
        var monitorId = Guid.NewGuid();
        var schedule = Schedule.Create(Upserted(monitorId, 1), Start);

        var check = DispatchPlan.ToDueCheck(schedule);

        Assert.That(check.CheckId, Is.EqualTo(DeterministicGuid.ForCheck(monitorId, Start)));
        Assert.That(check.DueAt, Is.EqualTo(Start));
        Assert.That(check.Http, Is.EqualTo(schedule.Spec));
        Assert.That(check.TimeoutSeconds, Is.EqualTo(10));
    }

    [Test]
    public void A_monitor_without_locations_is_one_check_on_the_shared_queue()
    {
        var schedule = Schedule.Create(Upserted(Monitor, 1), Start);

        var checks = DispatchPlan.ToDueChecks(schedule).ToList();

        Assert.That(checks, Has.Count.EqualTo(1));
        Assert.That(checks[0].Queue, Is.EqualTo(Queues.CheckMonitorBatch));
        Assert.That(checks[0].Check.CheckId, Is.EqualTo(DeterministicGuid.ForCheck(Monitor, Start)));
        Assert.That(checks[0].Check.Location, Is.Null);
        Assert.That(checks[0].Check.RoundId, Is.Null);
    }

    [Test]
    public void A_monitor_with_locations_is_one_check_per_location_queue_sharing_due_time_and_round()
    {
        var schedule = Schedule.Create(Upserted(Monitor, 1) with { Locations = ["eu-west", "us-east", "ap-south"], Quorum = 2 }, Start);

        var checks = DispatchPlan.ToDueChecks(schedule).ToList();

        Assert.That(checks.Select(c => c.Queue), Is.EqualTo(new[]
        {
            "check-monitor-batch-eu-west", "check-monitor-batch-us-east", "check-monitor-batch-ap-south",
        }));
        Assert.That(checks.Select(c => c.Check.Location), Is.EqualTo(new[] { "eu-west", "us-east", "ap-south" }));
        Assert.That(checks.Select(c => c.Check.DueAt).Distinct(), Is.EqualTo(new[] { Start }));
        Assert.That(checks.Select(c => c.Check.RoundId).Distinct(), Is.EqualTo(new Guid?[] { DeterministicGuid.ForRound(Monitor, Start) }));
        Assert.That(checks.Select(c => c.Check.CheckId).Distinct().Count(), Is.EqualTo(3), "each location's check has its own id");
        Assert.That(checks[0].Check.CheckId, Is.EqualTo(DeterministicGuid.ForCheck(Monitor, Start, "eu-west")));
    }
}
