using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Sentinel.AlertEvaluation.Heartbeats;

/// One status change of a monitor (any type), recorded from the MonitorStatusChanged events this service publishes:
/// the alert history keeps incidents and notifications, not every change (new → up is none of those).
/// Id derives from (monitor, time, status), so a redelivered event is recorded once. Seq is the order of recording:
/// changes made by one evaluation share their time (new → up → down within one batch), and Seq keeps them in order.
public sealed class MonitorFlip
{
    public Guid Id { get; init; }
    public long Seq { get; init; }
    public Guid TenantId { get; init; }
    public Guid MonitorId { get; init; }
    public DateTimeOffset At { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public string? Reason { get; init; }
    public Guid? IncidentId { get; init; }

    internal static void Configure(EntityTypeBuilder<MonitorFlip> e)
    {
        e.ToTable("monitor_flips");
        e.HasKey(f => f.Id);
        e.Property(f => f.Id).HasColumnName("id");
        e.Property(f => f.Seq).HasColumnName("seq").UseIdentityAlwaysColumn();
        e.Property(f => f.TenantId).HasColumnName("tenant_id");
        e.Property(f => f.MonitorId).HasColumnName("monitor_id");
        e.Property(f => f.At).HasColumnName("at");
        e.Property(f => f.From).HasColumnName("from_status");
        e.Property(f => f.To).HasColumnName("to_status");
        e.Property(f => f.Reason).HasColumnName("reason");
        e.Property(f => f.IncidentId).HasColumnName("incident_id");
        e.HasIndex(f => new { f.TenantId, f.MonitorId, f.At, f.Seq }).IsDescending(false, false, true, true)
            .HasDatabaseName("ix_monitor_flips_monitor_at");
    }
}
