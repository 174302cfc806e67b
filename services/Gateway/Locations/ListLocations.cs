using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Locations;

/// A location as a tenant sees it: its health (from Alert-Evaluation) and how many of the tenant's monitors use it.
/// Status: ok, unknown (every Checker there fails its canaries), offline (no Checker heard lately), or "unseen"
/// (named by a monitor, not yet judged).
public sealed record LocationResponse(
    string Name, string Status, string? Reason, DateTimeOffset? Since, int Monitors, IReadOnlyList<CheckerView> Checkers);

public sealed record LocationList(IReadOnlyList<LocationResponse> Items);

public static class ListLocations
{
    public const string Unseen = "unseen";

    public static void MapListLocations(this RouteGroupBuilder api) => api.MapGet("/locations", Handle);

    /// Every location a Checker reported from or one of the tenant's monitors names. 503 problem when Alert-Evaluation
    /// cannot be asked (OwnerUnavailableException, as for incidents).
    static async Task<Ok<LocationList>> Handle(ILocationsApi alerting, CatalogDb db, TenantContext tenant, CancellationToken ct)
    {
        var known = (await alerting.ListLocations(ct)).Items.ToDictionary(l => l.Name);
        var used = (await db.Monitors.AsNoTracking()
                .Where(m => m.TenantId == tenant.Id && m.Locations.Count > 0)
                .Select(m => m.Locations)
                .ToListAsync(ct))
            .SelectMany(l => l)
            .GroupBy(l => l)
            .ToDictionary(g => g.Key, g => g.Count());
        var items = known.Keys.Union(used.Keys).Order(StringComparer.Ordinal)
            .Select(name => known.TryGetValue(name, out var l)
                ? new LocationResponse(name, l.Status, l.Reason, l.Since, used.GetValueOrDefault(name), l.Checkers)
                : new LocationResponse(name, Unseen, null, null, used.GetValueOrDefault(name), []))
            .ToList();
        return TypedResults.Ok(new LocationList(items));
    }
}
