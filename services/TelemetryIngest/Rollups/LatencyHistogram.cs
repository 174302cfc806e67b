using System.Globalization;

namespace Sentinel.TelemetryIngest.Rollups;

/// Latency counts in logarithmic buckets, each 2 % wider than the last (the DDSketch mapping): histograms of any
/// number of hours merge by adding counts, and a percentile read from the merged histogram is within 1 % of the
/// true value, however many hours or days it spans. Stored sparse (bucket indexes and counts) because one monitor's
/// latencies in an hour fall into a few dozen buckets at most.
public sealed class LatencyHistogram
{
    /// Latencies at or below this many milliseconds share bucket 0.
    public const double MinLatencyMs = 0.1;
    public const double Gamma = 1.02;
    public const int MaxBucket = 1000; // 0.1 ms × 1.02^1000 ≈ 40 million ms: far above any check timeout

    /// The same mapping in SQL, so rollups computed in PostgreSQL and raw rows bucketed here agree.
    public static readonly string SqlBucketOf = string.Create(CultureInfo.InvariantCulture,
        $"least({MaxBucket}, greatest(0, ceil(ln(greatest(latency_ms, {MinLatencyMs}) / {MinLatencyMs}) / ln({Gamma}))))::smallint");

    readonly SortedDictionary<int, long> counts = [];

    public long Count { get; private set; }

    public static int BucketOf(double latencyMs) =>
        latencyMs <= MinLatencyMs ? 0 : Math.Min(MaxBucket, (int)Math.Ceiling(Math.Log(latencyMs / MinLatencyMs) / Math.Log(Gamma)));

    /// The value that stands for a bucket: the point whose relative distance to both bucket edges is equal.
    public static double ValueOf(int bucket) =>
        bucket == 0 ? MinLatencyMs : 2 * MinLatencyMs * Math.Pow(Gamma, bucket) / (Gamma + 1);

    public void Add(double latencyMs) => Add(BucketOf(latencyMs), 1);

    public void Add(int bucket, long count)
    {
        if (count <= 0)
            return;
        counts[bucket] = counts.GetValueOrDefault(bucket) + count;
        Count += count;
    }

    public void Add(IReadOnlyList<short> buckets, IReadOnlyList<int> bucketCounts)
    {
        for (var i = 0; i < buckets.Count; i++)
            Add(buckets[i], bucketCounts[i]);
    }

    public void Add(LatencyHistogram other)
    {
        foreach (var (bucket, count) in other.counts)
            Add(bucket, count);
    }

    /// The bucket value of the element at rank floor(q·(n−1)) in sorted order, so it is within 1 % of the element
    /// that PostgreSQL's percentile_disc would pick, and of percentile_cont's neighbours.
    public double? Quantile(double q)
    {
        if (Count == 0)
            return null;
        var rank = (long)Math.Floor(q * (Count - 1));
        long seen = 0;
        foreach (var (bucket, count) in counts)
        {
            seen += count;
            if (seen > rank)
                return ValueOf(bucket);
        }
        return ValueOf(counts.Keys.Last());
    }

    public (short[] Buckets, int[] Counts) ToArrays() =>
        (counts.Keys.Select(b => (short)b).ToArray(), counts.Values.Select(c => (int)c).ToArray());
}
