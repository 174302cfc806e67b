using Sentinel.TelemetryIngest.Rollups;

namespace Sentinel.TelemetryIngest.Stats;

public sealed class TimelineBucket(DateTimeOffset start, DateTimeOffset end)
{
    public DateTimeOffset Start { get; } = start;
    public DateTimeOffset End { get; } = end;
    public CheckSummary Summary { get; } = new();
    public double DownSeconds { get; set; }
}

/// Lays time-ordered pieces (each inside one bucket) into buckets. Downtime inside a piece stays in its bucket;
/// the down stretch between two pieces (and from the window start, and up to the window end) is split across the
/// buckets it spans, so a series adds up to the window's total.
public static class Timeline
{
    /// bucketLength null: one bucket for the whole window. Buckets are aligned to whole hours/days (UTC), the first
    /// and last clipped to the window.
    public static IReadOnlyList<TimelineBucket> Fold(
        DateTimeOffset from, DateTimeOffset to, TimeSpan? bucketLength, (DateTimeOffset At, bool Up)? prior,
        IEnumerable<(DateTimeOffset Start, CheckSummary Summary)> pieces)
    {
        var buckets = new List<TimelineBucket>();
        if (bucketLength is not { } length)
            buckets.Add(new TimelineBucket(from, to));
        else
        {
            var aligned = length >= TimeSpan.FromDays(1) ? Time.FloorDay(from) : Time.FloorHour(from);
            for (var s = aligned; s < to; s += length)
                buckets.Add(new TimelineBucket(s < from ? from : s, s + length > to ? to : s + length));
        }

        DateTimeOffset? downSince = prior is { Up: false } p ? (p.At < from ? from : p.At) : null;
        foreach (var (start, summary) in pieces)
        {
            if (summary.IsEmpty)
                continue;
            if (downSince is { } since)
                AddDown(buckets, since, summary.FirstAt!.Value);
            var bucket = BucketOf(buckets, start < from ? from : start);
            bucket.Summary.Append(summary, countSeam: false);
            bucket.DownSeconds += summary.DownSeconds;
            downSince = summary.LastUp ? null : summary.LastAt;
        }
        if (downSince is { } stillDown)
            AddDown(buckets, stillDown, to);
        return buckets;
    }

    static TimelineBucket BucketOf(List<TimelineBucket> buckets, DateTimeOffset at)
    {
        var index = buckets.FindLastIndex(b => b.Start <= at);
        return buckets[Math.Max(index, 0)];
    }

    static void AddDown(List<TimelineBucket> buckets, DateTimeOffset from, DateTimeOffset to)
    {
        foreach (var bucket in buckets)
        {
            var start = from > bucket.Start ? from : bucket.Start;
            var end = to < bucket.End ? to : bucket.End;
            if (end > start)
                bucket.DownSeconds += (end - start).TotalSeconds;
        }
    }
}
