using Sentinel.TelemetryIngest.Rollups;
using Sentinel.TelemetryIngest.Stats;

namespace Sentinel.TelemetryIngest.Tests.Stats;

public sealed class TimelineTests
{
    static readonly DateTimeOffset H0 = new(2025, 6, 15, 0, 0, 0, TimeSpan.Zero);

    static (DateTimeOffset, CheckSummary) Piece(DateTimeOffset hour, params (int Minute, bool Up)[] results)
    {
        var summary = new CheckSummary();
        foreach (var (minute, up) in results)
            summary.AddResult(hour.AddMinutes(minute), up, 10);
        return (hour, summary);
    }

    [Test]
    public void Downtime_spanning_buckets_is_split_between_them_and_adds_up_to_the_total()
    {
        // Down from 0:50 until the up result at 2:10, with an hour (1:00-2:00) without any result in between.
        var pieces = new[] { Piece(H0, (0, true), (50, false)), Piece(H0.AddHours(2), (10, true)) };

        var total = Timeline.Fold(H0, H0.AddHours(3), null, null, pieces).Single();
        var series = Timeline.Fold(H0, H0.AddHours(3), TimeSpan.FromHours(1), null, pieces);

        Assert.That(total.DownSeconds, Is.EqualTo(80 * 60));
        Assert.That(series.Select(b => b.DownSeconds), Is.EqualTo(new[] { 600.0, 3600, 600 }));
        Assert.That(series.Select(b => b.Summary.Checks), Is.EqualTo(new long[] { 2, 0, 1 }));
    }

    [Test]
    public void A_window_that_starts_down_counts_from_its_start_and_one_that_ends_down_counts_to_its_end()
    {
        var pieces = new[] { Piece(H0, (30, true), (45, false)) };

        var total = Timeline.Fold(H0.AddMinutes(10), H0.AddMinutes(55), null, (H0.AddMinutes(-5), false), pieces).Single();

        Assert.That(total.DownSeconds, Is.EqualTo((20 + 10) * 60));
    }
}
