namespace Sentinel.TelemetryIngest.Rollups;

/// One monitor's results over a stretch of time, reduced to what merges exactly: counts, latency sum/min/max,
/// the first and last result (so downtime that spans the seam between two stretches is counted), and a latency
/// histogram (so merged percentiles stay within 1 %). Latency statistics cover up checks only: the "latency" of a
/// refused or timed-out check measures the failure, not the service.
public sealed class CheckSummary
{
    public long Checks { get; private set; }
    public long UpChecks { get; private set; }
    public double? LatencyMin { get; private set; }
    public double? LatencyMax { get; private set; }
    public double LatencySum { get; private set; }
    public DateTimeOffset? FirstAt { get; private set; }
    public bool FirstUp { get; private set; }
    public DateTimeOffset? LastAt { get; private set; }
    public bool LastUp { get; private set; }

    /// Seconds from each down result to the next result, for results inside this stretch.
    public double DownSeconds { get; private set; }

    public LatencyHistogram Histogram { get; } = new();

    public bool IsEmpty => Checks == 0;

    public double? LatencyAvg => UpChecks == 0 ? null : LatencySum / UpChecks;

    /// Adds one result; results must come in due-time order.
    public void AddResult(DateTimeOffset dueAt, bool up, double latencyMs)
    {
        if (LastAt is { } lastAt && !LastUp)
            DownSeconds += (dueAt - lastAt).TotalSeconds;
        if (Checks == 0)
        {
            FirstAt = dueAt;
            FirstUp = up;
        }
        LastAt = dueAt;
        LastUp = up;
        Checks++;
        if (!up)
            return;
        UpChecks++;
        LatencySum += latencyMs;
        LatencyMin = LatencyMin is { } min ? Math.Min(min, latencyMs) : latencyMs;
        LatencyMax = LatencyMax is { } max ? Math.Max(max, latencyMs) : latencyMs;
        Histogram.Add(latencyMs);
    }

    /// Appends a stretch that starts after this one ends; a down result at the end of this one stays down until
    /// the first result of the next, unless the caller accounts for that seam itself (countSeam: false).
    public void Append(CheckSummary later, bool countSeam = true)
    {
        if (later.IsEmpty)
            return;
        if (IsEmpty)
        {
            FirstAt = later.FirstAt;
            FirstUp = later.FirstUp;
        }
        else if (!LastUp && countSeam)
            DownSeconds += (later.FirstAt!.Value - LastAt!.Value).TotalSeconds;

        DownSeconds += later.DownSeconds;
        LastAt = later.LastAt;
        LastUp = later.LastUp;
        Checks += later.Checks;
        UpChecks += later.UpChecks;
        LatencySum += later.LatencySum;
        if (later.LatencyMin is { } laterMin)
            LatencyMin = LatencyMin is { } min ? Math.Min(min, laterMin) : laterMin;
        if (later.LatencyMax is { } laterMax)
            LatencyMax = LatencyMax is { } max ? Math.Max(max, laterMax) : laterMax;
        Histogram.Add(later.Histogram);
    }

    /// A stored rollup row read back.
    public static CheckSummary FromRollup(
        long checks, long upChecks, double? latencyMin, double? latencyMax, double latencySum,
        DateTimeOffset firstAt, bool firstUp, DateTimeOffset lastAt, bool lastUp, double downSeconds,
        IReadOnlyList<short> buckets, IReadOnlyList<int> counts)
    {
        var summary = new CheckSummary
        {
            Checks = checks, UpChecks = upChecks, LatencyMin = latencyMin, LatencyMax = latencyMax,
            LatencySum = latencySum, FirstAt = firstAt, FirstUp = firstUp, LastAt = lastAt, LastUp = lastUp,
            DownSeconds = downSeconds,
        };
        summary.Histogram.Add(buckets, counts);
        return summary;
    }
}
