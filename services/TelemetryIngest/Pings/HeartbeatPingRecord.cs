using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Sentinel.TelemetryIngest.Pings;

/// One stored heartbeat ping with what came with it (body, source, user agent), for the ping history. Rows arrive
/// only through the COPY in HeartbeatPingWriter; EF reads them and owns the table's DDL.
public sealed class HeartbeatPingRecord
{
    public Guid PingId { get; init; }
    public Guid MonitorId { get; init; }
    public Guid TenantId { get; init; }
    public required string Kind { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public required string Method { get; init; }
    public string? SourceIp { get; init; }
    public string? UserAgent { get; init; }
    public string? Body { get; init; }
    public bool BodyTruncated { get; init; }
    public int? ExitStatus { get; init; }
    public Guid? RunId { get; init; }
    public string? Message { get; init; }
    public double? ReportedLatencyMs { get; init; }

    internal static void Configure(EntityTypeBuilder<HeartbeatPingRecord> e)
    {
        // A plain table, not day partitions: the partition manager is written for ping_results, and pings of one
        // monitor are read newest first through the index below, so retention deletes (by the BRIN index) suffice.
        e.ToTable("heartbeat_pings");
        e.HasKey(p => p.PingId).HasName("pk_heartbeat_pings");
        e.Property(p => p.PingId).HasColumnName("ping_id");
        e.Property(p => p.MonitorId).HasColumnName("monitor_id");
        e.Property(p => p.TenantId).HasColumnName("tenant_id");
        e.Property(p => p.Kind).HasColumnName("kind");
        e.Property(p => p.ReceivedAt).HasColumnName("received_at");
        e.Property(p => p.Method).HasColumnName("method");
        e.Property(p => p.SourceIp).HasColumnName("source_ip");
        e.Property(p => p.UserAgent).HasColumnName("user_agent");
        e.Property(p => p.Body).HasColumnName("body");
        e.Property(p => p.BodyTruncated).HasColumnName("body_truncated");
        e.Property(p => p.ExitStatus).HasColumnName("exit_status");
        e.Property(p => p.RunId).HasColumnName("run_id");
        e.Property(p => p.Message).HasColumnName("message");
        e.Property(p => p.ReportedLatencyMs).HasColumnName("reported_latency_ms");
        e.HasIndex(p => new { p.TenantId, p.MonitorId, p.ReceivedAt, p.PingId })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_heartbeat_pings_monitor_received_at");
        // Rows arrive in time order, so a block-range index finds the expired ones at a fraction of a B-tree's cost.
        e.HasIndex(p => p.ReceivedAt).HasMethod("brin").HasDatabaseName("ix_heartbeat_pings_received_at_brin");
    }
}
