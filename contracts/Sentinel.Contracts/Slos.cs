namespace Sentinel.Contracts;

// Catalog events of service level objectives, published by the Gateway through its outbox. As with the other catalog
// objects, Version grows with every change; a consumer applies only a newer version, and Deleted carries the next one.

/// A multi-window burn-rate alert (Google SRE workbook, chapter 5): it fires when the error budget burns faster than
/// Threshold times the sustainable rate over BOTH the long window and the short one (the short window makes it
/// resolve soon after the burning stops).
public sealed record SloBurnRule(double Threshold, int LongWindowSeconds, int ShortWindowSeconds);

/// An objective over one monitor (MonitorId) or over every monitor of the tenant carrying Tag (exactly one is set):
/// ObjectivePercent of checks up over a rolling window of WindowDays days. ChannelIds hear when a burn rule fires and
/// when it clears.
public sealed record SloUpserted(
    Guid SloId,
    Guid TenantId,
    long Version,
    string Name,
    Guid? MonitorId,
    string? Tag,
    double ObjectivePercent,
    int WindowDays,
    IReadOnlyList<SloBurnRule> BurnRules,
    IReadOnlyList<Guid> ChannelIds,
    DateTimeOffset OccurredAt);

public sealed record SloDeleted(Guid SloId, Guid TenantId, long Version, DateTimeOffset OccurredAt);

/// SendNotification.Event values of SLO alerts. For them IncidentId is the SLO alert's id, MonitorId the SLO's id
/// and MonitorName the SLO's name; Error says which burn rates crossed which threshold.
public static class SloNotificationEvents
{
    public const string Burning = "slo-burning";
    public const string Recovered = "slo-recovered";
}
