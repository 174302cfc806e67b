using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Sentinel.AlertEvaluation.Rounds;

/// One due time of a multi-location monitor: every location's check of it (RoundId = DeterministicGuid.ForRound). Opened
/// by the first result that arrives, closed when the outcome is decided (a down quorum, every location reported) or at
/// ClosesAt (due + check timeout + `Alerting:RoundMarginSeconds`), which the alert clock polls — due work in PostgreSQL,
/// never a delayed message. Outcome is null while open.
public sealed class CheckRound
{
    public Guid RoundId { get; init; }
    public Guid MonitorId { get; init; }
    public Guid TenantId { get; init; }
    public DateTimeOffset DueAt { get; init; }
    /// The monitor's locations and quorum when the round opened: a later edit does not change a round under way.
    public List<string> Locations { get; init; } = [];
    public int Quorum { get; init; }
    public DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset ClosesAt { get; init; }
    public string? Outcome { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? Detail { get; set; }

    internal static void Configure(EntityTypeBuilder<CheckRound> e)
    {
        e.ToTable("check_rounds");
        e.HasKey(r => r.RoundId);
        e.Property(r => r.RoundId).HasColumnName("round_id");
        e.Property(r => r.MonitorId).HasColumnName("monitor_id");
        e.Property(r => r.TenantId).HasColumnName("tenant_id");
        e.Property(r => r.DueAt).HasColumnName("due_at");
        e.Property(r => r.Locations).HasColumnName("locations");
        e.Property(r => r.Quorum).HasColumnName("quorum");
        e.Property(r => r.OpenedAt).HasColumnName("opened_at");
        e.Property(r => r.ClosesAt).HasColumnName("closes_at");
        e.Property(r => r.Outcome).HasColumnName("outcome");
        e.Property(r => r.ClosedAt).HasColumnName("closed_at");
        e.Property(r => r.Detail).HasColumnName("detail");
        e.HasIndex(r => new { r.MonitorId, r.DueAt }).HasDatabaseName("ix_check_rounds_monitor_due").IsDescending(false, true);
        // The clock's query: open rounds past their timeout.
        e.HasIndex(r => r.ClosesAt).HasDatabaseName("ix_check_rounds_open_closes_at").HasFilter("outcome is null");
        e.HasIndex(r => r.ClosedAt).HasDatabaseName("ix_check_rounds_closed_at").HasFilter("closed_at is not null");
    }
}

/// One location's result in a round. (RoundId, Location) is the key: a redelivered result adds nothing.
public sealed class RoundResult
{
    public Guid RoundId { get; init; }
    public string Location { get; init; } = "";
    public Guid CheckId { get; init; }
    public bool Up { get; init; }
    public bool Unknown { get; init; }
    public string? Error { get; init; }
    public double LatencyMs { get; init; }
    public DateTimeOffset CheckedAt { get; init; }
    /// Arrived after the round had closed: shown, but it did not count.
    public bool Late { get; init; }

    public LocationResult ToLocationResult() => new(Location, Up, Unknown, Error, CheckedAt, LatencyMs);

    internal static void Configure(EntityTypeBuilder<RoundResult> e)
    {
        e.ToTable("round_results");
        e.HasKey(r => new { r.RoundId, r.Location });
        e.Property(r => r.RoundId).HasColumnName("round_id");
        e.Property(r => r.Location).HasColumnName("location");
        e.Property(r => r.CheckId).HasColumnName("check_id");
        e.Property(r => r.Up).HasColumnName("up");
        e.Property(r => r.Unknown).HasColumnName("unknown");
        e.Property(r => r.Error).HasColumnName("error");
        e.Property(r => r.LatencyMs).HasColumnName("latency_ms");
        e.Property(r => r.CheckedAt).HasColumnName("checked_at");
        e.Property(r => r.Late).HasColumnName("late");
        e.HasOne<CheckRound>().WithMany().HasForeignKey(r => r.RoundId).OnDelete(DeleteBehavior.Cascade);
    }
}
