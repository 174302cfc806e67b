using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Tests.Rollups;

/// The rollup numbers computed the slow, obvious way over the raw results, to check the real ones against.
public static class BruteForce
{
    public sealed record Expected(
        long Checks, long UpChecks, double? Min, double? Max, double Sum, double DownSeconds, IReadOnlyList<double> SortedLatencies,
        DateTimeOffset FirstAt, bool FirstUp, DateTimeOffset LastAt, bool LastUp);

    /// Results of one monitor inside [from, to), in due-time order.
    public static Expected Over(IEnumerable<MonitorChecked> results, DateTimeOffset from, DateTimeOffset to)
    {
        var inside = results.Where(r => r.DueAt >= from && r.DueAt < to).OrderBy(r => r.DueAt).ToList();
        var up = inside.Where(r => r.Up).Select(r => r.LatencyMs).Order().ToList();
        var down = 0.0;
        for (var i = 0; i + 1 < inside.Count; i++)
            if (!inside[i].Up)
                down += (inside[i + 1].DueAt - inside[i].DueAt).TotalSeconds;
        return new Expected(inside.Count, up.Count, up.Count > 0 ? up[0] : null, up.Count > 0 ? up[^1] : null, up.Sum(), down, up,
            inside[0].DueAt, inside[0].Up, inside[^1].DueAt, inside[^1].Up);
    }

    /// Downtime by its definition: from each down result to the next result (or the window end), clipped to the
    /// window, starting from the last result before the window if it is at most a day older.
    public static double Downtime(IEnumerable<MonitorChecked> all, DateTimeOffset from, DateTimeOffset to)
    {
        var sorted = all.Where(r => r.DueAt < to && r.DueAt >= from.AddDays(-1)).OrderBy(r => r.DueAt).ToList();
        var down = 0.0;
        for (var i = 0; i < sorted.Count; i++)
        {
            if (sorted[i].Up)
                continue;
            var end = i + 1 < sorted.Count ? sorted[i + 1].DueAt : to;
            var start = sorted[i].DueAt < from ? from : sorted[i].DueAt;
            if (end > start)
                down += (end - start).TotalSeconds;
        }
        return down;
    }

    /// Linear interpolation between the nearest ranks, as PostgreSQL's percentile_cont.
    public static double PercentileCont(IReadOnlyList<double> sorted, double q)
    {
        var rank = q * (sorted.Count - 1);
        var (low, high) = ((int)Math.Floor(rank), (int)Math.Ceiling(rank));
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    /// A histogram percentile is within 1 % of a value between the two ranks percentile_cont interpolates.
    public static void AssertApproximatePercentile(double actual, IReadOnlyList<double> sorted, double q, string what)
    {
        var rank = q * (sorted.Count - 1);
        var (low, high) = (sorted[(int)Math.Floor(rank)], sorted[(int)Math.Ceiling(rank)]);
        // Latencies at or below the smallest bucket are all reported as that bucket's value.
        Assert.That(actual, Is.InRange(low * 0.99, Math.Max(high * 1.0101, Sentinel.TelemetryIngest.Rollups.LatencyHistogram.MinLatencyMs)), what);
    }

    /// Results every minute (some minutes skipped) with down stretches and spread-out latencies.
    public static List<MonitorChecked> RandomResults(Random random, Guid tenantId, Guid monitorId, DateTimeOffset from, TimeSpan length)
    {
        var results = new List<MonitorChecked>();
        var up = true;
        for (var at = from; at < from + length; at = at.AddMinutes(1))
        {
            if (random.NextDouble() < 0.1)
                continue; // a missed check
            if (random.NextDouble() < 0.05)
                up = !up;
            var latency = Math.Round(Math.Exp(3 + 1.5 * random.NextDouble() + random.NextDouble()), 3);
            if (random.NextDouble() < 0.01)
                latency = 0.05; // below the smallest histogram bucket
            results.Add(new MonitorChecked(DeterministicGuid.ForCheck(monitorId, at), monitorId, tenantId, up,
                up ? 200 : null, latency, up ? null : "HTTP 503", at, at.AddMilliseconds(latency)));
        }
        return results;
    }
}
