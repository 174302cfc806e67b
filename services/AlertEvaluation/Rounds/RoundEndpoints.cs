using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Sentinel.AlertEvaluation.Rounds;

/// One location of a round as shown: up, down, unknown (with the reason) or missing.
public sealed record RoundLocationView(string Location, string Result, string? Error, DateTimeOffset? CheckedAt, bool Late);

/// A round of a multi-location monitor: `status` is open while it waits for locations, else its outcome
/// (up, down, incomplete, unknown).
public sealed record RoundView(
    Guid RoundId, DateTimeOffset DueAt, string Status, int Quorum, IReadOnlyList<RoundLocationView> Locations,
    DateTimeOffset? ClosedAt, string? Detail);

public sealed record RoundPage(IReadOnlyList<RoundView> Items);

public static class RoundEndpoints
{
    public const string OpenStatus = "open";

    public static void MapRoundEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}/rounds", List);

    /// Newest first, at most `limit` (default 20, max 200).
    static async Task<Results<Ok<RoundPage>, ValidationProblem>> List(
        Guid tenantId, Guid monitorId, int? limit, AlertingDb db, CancellationToken ct)
    {
        if (limit is < 1 or > 200)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit must be between 1 and 200."] });
        var rounds = await db.Rounds.AsNoTracking()
            .Where(r => r.MonitorId == monitorId && r.TenantId == tenantId)
            .OrderByDescending(r => r.DueAt).Take(limit ?? 20).ToListAsync(ct);
        var ids = rounds.Select(r => r.RoundId).ToArray();
        var results = (await db.RoundResults.AsNoTracking().Where(r => ids.Contains(r.RoundId)).ToListAsync(ct)).ToLookup(r => r.RoundId);
        return TypedResults.Ok(new RoundPage(rounds.Select(r => View(r, results[r.RoundId].ToList())).ToList()));
    }

    public static RoundView View(CheckRound round, IReadOnlyList<RoundResult> results)
    {
        var byLocation = results.ToDictionary(r => r.Location);
        var locations = round.Locations.Select(l => byLocation.TryGetValue(l, out var r)
                ? new RoundLocationView(l, r.Unknown ? RoundOutcomes.Unknown : r.Up ? RoundOutcomes.Up : RoundOutcomes.Down, r.Error, r.CheckedAt, r.Late)
                : new RoundLocationView(l, "missing", null, null, false))
            .ToList();
        return new RoundView(round.RoundId, round.DueAt, round.Outcome ?? OpenStatus, round.Quorum, locations, round.ClosedAt, round.Detail);
    }
}
