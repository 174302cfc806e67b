namespace Sentinel.TelemetryIngest.Stats;

public enum PartSource { Raw, Hour, Day }

/// A stretch of a stats window and where its numbers come from.
public sealed record PlanPart(PartSource Source, DateTimeOffset Start, DateTimeOffset End);

/// Splits a window into the cheapest exact sources: raw results for the partial hours at its edges, daily rollups
/// for whole days, hourly rollups for the whole hours around them. An hour that received results since it was last
/// rolled up (pending) is read raw, and its day is read by the hour, so late results count at once. Raw results
/// older than the retention are gone: a window edge there widens to its whole hour from the rollups.
public static class StatsPlan
{
    public static IReadOnlyList<PlanPart> Create(
        DateTimeOffset from, DateTimeOffset to, DateTimeOffset rawKeptFrom, IReadOnlySet<DateTimeOffset> pendingHours,
        bool useDays)
    {
        var parts = new List<PlanPart>();
        var start = from >= rawKeptFrom ? from : Time.FloorHour(from);
        var hStart = Time.CeilHour(start);
        var hEnd = Time.FloorHour(to);
        if (hStart >= hEnd)
        {
            parts.Add(new PlanPart(PartSource.Raw, start, to));
            return parts;
        }

        if (start < hStart)
            parts.Add(new PlanPart(PartSource.Raw, start, hStart));

        var (dStart, dEnd) = useDays ? (Time.CeilDay(hStart), Time.FloorDay(hEnd)) : (hEnd, hEnd);
        if (dStart >= dEnd)
            (dStart, dEnd) = (hEnd, hEnd);

        bool Pending(DateTimeOffset hour) => hour >= rawKeptFrom && pendingHours.Contains(hour);
        void AddHours(DateTimeOffset a, DateTimeOffset b)
        {
            for (var h = a; h < b; h = h.AddHours(1))
                parts.Add(new PlanPart(Pending(h) ? PartSource.Raw : PartSource.Hour, h, h.AddHours(1)));
        }

        var pendingDays = pendingHours.Where(Pending).Select(Time.FloorDay).ToHashSet();
        AddHours(hStart, dStart);
        for (var d = dStart; d < dEnd; d = d.AddDays(1))
        {
            if (pendingDays.Contains(d))
                AddHours(d, d.AddDays(1));
            else
                parts.Add(new PlanPart(PartSource.Day, d, d.AddDays(1)));
        }
        AddHours(dEnd, hEnd);

        if (hEnd < to)
            parts.Add(new PlanPart(PartSource.Raw, hEnd, to));
        return Coalesce(parts);
    }

    /// Adjacent parts of one source become one, so the reader asks for few ranges.
    static List<PlanPart> Coalesce(List<PlanPart> parts)
    {
        var merged = new List<PlanPart>(parts.Count);
        foreach (var part in parts)
        {
            if (merged.Count > 0 && merged[^1].Source == part.Source && merged[^1].End == part.Start)
                merged[^1] = merged[^1] with { End = part.End };
            else
                merged.Add(part);
        }
        return merged;
    }
}
