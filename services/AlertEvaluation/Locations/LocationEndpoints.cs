using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Sentinel.AlertEvaluation.Locations;

public sealed record CheckerView(Guid CheckerId, bool Healthy, string? Reason, int Canaries, DateTimeOffset LastSeenAt);

/// A location as Alert-Evaluation last judged it (LocationWatch), with the Checkers heard from it in the last day.
/// OutageSince is set while its operational alert is open.
public sealed record LocationView(
    string Name, string Status, string? Reason, DateTimeOffset Since, DateTimeOffset? OutageSince, IReadOnlyList<CheckerView> Checkers);

public sealed record LocationPage(IReadOnlyList<LocationView> Items);

public static class LocationEndpoints
{
    /// Locations are the install's, not a tenant's: the Gateway shows them to every tenant.
    public static void MapLocationEndpoints(this IEndpointRouteBuilder app) => app.MapGet("/internal/locations", List);

    static async Task<Ok<LocationPage>> List(AlertingDb db, TimeProvider clock, CancellationToken ct)
    {
        var since = clock.GetUtcNow() - TimeSpan.FromDays(1);
        var reports = (await db.CheckerReports.AsNoTracking().Where(r => r.Location != null && r.ReceivedAt > since).ToListAsync(ct))
            .ToLookup(r => r.Location!);
        var states = await db.LocationStates.AsNoTracking().OrderBy(s => s.Location).ToListAsync(ct);
        return TypedResults.Ok(new LocationPage(states.Select(s => new LocationView(
            s.Location, s.Status, s.Reason, s.Since, s.OutageSince,
            reports[s.Location].OrderByDescending(r => r.ReceivedAt)
                .Select(r => new CheckerView(r.CheckerId, r.Healthy, r.Reason, r.Canaries, r.ReceivedAt)).ToList())).ToList()));
    }
}
