using Refit;

namespace Sentinel.Gateway.Locations;

public sealed record CheckerView(Guid CheckerId, bool Healthy, string? Reason, int Canaries, DateTimeOffset LastSeenAt);

/// Alert-Evaluation's judgement of a location (ok, unknown, offline) and the Checkers heard from it.
public sealed record LocationStatusView(
    string Name, string Status, string? Reason, DateTimeOffset Since, DateTimeOffset? OutageSince, IReadOnlyList<CheckerView> Checkers);

public sealed record LocationStatusPage(IReadOnlyList<LocationStatusView> Items);

public sealed record RoundLocationView(string Location, string Result, string? Error, DateTimeOffset? CheckedAt, bool Late);

public sealed record RoundView(
    Guid RoundId, DateTimeOffset DueAt, string Status, int Quorum, IReadOnlyList<RoundLocationView> Locations,
    DateTimeOffset? ClosedAt, string? Detail);

public sealed record RoundPage(IReadOnlyList<RoundView> Items);

/// Alert-Evaluation owns location health and the rounds of multi-location monitors; the Gateway passes them through.
public interface ILocationsApi
{
    [Get("/internal/locations")]
    Task<LocationStatusPage> ListLocations(CancellationToken ct);

    [Get("/internal/tenants/{tenantId}/monitors/{monitorId}/rounds")]
    Task<RoundPage> ListRounds(Guid tenantId, Guid monitorId, int? limit, CancellationToken ct);
}
