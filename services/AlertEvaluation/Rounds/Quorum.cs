using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Rounds;

/// What a round's outcome can be. Only up and down reach the state machine; the others change nothing.
public static class RoundOutcomes
{
    public const string Up = "up";
    public const string Down = "down";
    /// A location never reported before the round's timeout (its Checker is stopped or behind), and the locations
    /// that did report do not make a down quorum: nothing can be concluded, and it is never taken for "up".
    public const string Incomplete = "incomplete";
    /// Every location reported, but unknown results (Checkers whose canaries fail) could have made the quorum.
    public const string Unknown = "unknown";
}

/// One location's result within a round.
public sealed record LocationResult(string Location, bool Up, bool Unknown, string? Error, DateTimeOffset CheckedAt, double LatencyMs = 0);

/// The verdict on a round so far: Outcome is null while it is still open (waiting for locations).
public sealed record RoundVerdict(
    string? Outcome,
    IReadOnlyList<string> Down,
    IReadOnlyList<string> Up,
    IReadOnlyList<string> Unknown,
    IReadOnlyList<string> Missing,
    string? Error)
{
    public bool Closed => Outcome is not null;
}

/// k-of-n: a monitor checked from n locations counts down for a round only when at least k of them report down
/// within the round's timeout. Unknown results count neither way; a missing location never counts as up. Pure.
public static class Quorum
{
    public static RoundVerdict Decide(IReadOnlyList<string> locations, int quorum, IReadOnlyCollection<LocationResult> results, bool timedOut)
    {
        var k = Math.Clamp(quorum, 1, Math.Max(1, locations.Count));
        // One result per location (the first wins, as the unique key in the database keeps it); foreign ones ignored.
        var byLocation = results.Where(r => locations.Contains(r.Location)).GroupBy(r => r.Location).ToDictionary(g => g.Key, g => g.First());
        var down = locations.Where(l => byLocation.TryGetValue(l, out var r) && !r.Unknown && !r.Up).ToList();
        var up = locations.Where(l => byLocation.TryGetValue(l, out var r) && !r.Unknown && r.Up).ToList();
        var unknown = locations.Where(l => byLocation.TryGetValue(l, out var r) && r.Unknown).ToList();
        var missing = locations.Where(l => !byLocation.ContainsKey(l)).ToList();

        string? outcome;
        if (down.Count >= k)
            outcome = RoundOutcomes.Down; // decided: later locations cannot undo a quorum
        else if (missing.Count > 0)
            outcome = timedOut ? RoundOutcomes.Incomplete : null;
        else if (down.Count + unknown.Count >= k)
            outcome = RoundOutcomes.Unknown;
        else
            outcome = RoundOutcomes.Up;

        var error = outcome switch
        {
            RoundOutcomes.Down => $"down in {down.Count} of {locations.Count} locations (quorum {k}): "
                + string.Join("; ", down.Select(l => $"{l}: {byLocation[l].Error ?? "down"}")),
            RoundOutcomes.Incomplete => $"no result from {string.Join(", ", missing)} within the round's timeout",
            RoundOutcomes.Unknown => $"undecided: {string.Join(", ", unknown)} unknown ("
                + string.Join("; ", unknown.Select(l => byLocation[l].Error ?? "unknown")) + ")",
            _ => null,
        };
        return new RoundVerdict(outcome, down, up, unknown, missing, error);
    }

    /// The result the state machine sees for a round that came out up or down: one result of the monitor, named by
    /// the round (so a round evaluated twice is one result), at the round's due time.
    public static MonitorChecked ToResult(RoundVerdict verdict, Guid roundId, Guid monitorId, Guid tenantId, DateTimeOffset dueAt,
        IReadOnlyCollection<LocationResult> results)
    {
        var upResults = results.Where(r => verdict.Up.Contains(r.Location)).ToList();
        return new MonitorChecked(
            roundId, monitorId, tenantId, verdict.Outcome == RoundOutcomes.Up, null,
            upResults.Count > 0 ? upResults.Average(r => r.LatencyMs) : 0,
            verdict.Outcome == RoundOutcomes.Up ? null : verdict.Error,
            dueAt, results.Count > 0 ? results.Max(r => r.CheckedAt) : dueAt,
            RoundId: roundId);
    }
}
