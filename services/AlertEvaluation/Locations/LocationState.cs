using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Sentinel.AlertEvaluation.Locations;

public static class LocationStatuses
{
    /// At least one Checker of the location reports and trusts its canaries.
    public const string Ok = "ok";
    /// Every Checker of the location heard recently fails its canaries: its results are unknown.
    public const string Unknown = "unknown";
    /// No Checker of the location heard for `Alerting:CheckerSilenceSeconds`: its rounds are incomplete.
    public const string Offline = "offline";
}

/// What Alert-Evaluation last concluded about a location, and the operational alert open for it (OutageId) with the
/// channels that heard of it, so the recovery goes to exactly those, once.
public sealed class LocationState
{
    public string Location { get; init; } = "";
    public string Status { get; set; } = LocationStatuses.Ok;
    public string? Reason { get; set; }
    public DateTimeOffset Since { get; set; }
    public DateTimeOffset FirstSeenAt { get; init; }
    public Guid? OutageId { get; set; }
    public DateTimeOffset? OutageSince { get; set; }
    public List<Guid> NotifiedTenantIds { get; set; } = [];
    public List<Guid> NotifiedChannelIds { get; set; } = [];

    internal static void Configure(EntityTypeBuilder<LocationState> e)
    {
        e.ToTable("location_states");
        e.HasKey(s => s.Location);
        e.Property(s => s.Location).HasColumnName("location");
        e.Property(s => s.Status).HasColumnName("status");
        e.Property(s => s.Reason).HasColumnName("reason");
        e.Property(s => s.Since).HasColumnName("since");
        e.Property(s => s.FirstSeenAt).HasColumnName("first_seen_at");
        e.Property(s => s.OutageId).HasColumnName("outage_id");
        e.Property(s => s.OutageSince).HasColumnName("outage_since");
        e.Property(s => s.NotifiedTenantIds).HasColumnName("notified_tenant_ids");
        e.Property(s => s.NotifiedChannelIds).HasColumnName("notified_channel_ids");
    }
}
