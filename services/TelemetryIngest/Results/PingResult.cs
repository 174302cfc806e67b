using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Sentinel.TelemetryIngest.Results;

/// One stored check result, read-only: rows arrive only through the COPY in Ingest, never through EF change tracking.
public sealed class PingResult
{
    public Guid CheckId { get; init; }
    public Guid MonitorId { get; init; }
    public Guid TenantId { get; init; }
    public bool Up { get; init; }
    public int? StatusCode { get; init; }
    public double LatencyMs { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset DueAt { get; init; }
    public DateTimeOffset CheckedAt { get; init; }
    public DateTimeOffset IngestedAt { get; init; }
    public string? Location { get; init; }
    public bool Unknown { get; init; }

    internal static void Configure(EntityTypeBuilder<PingResult> e)
    {
        // The table is partitioned, which EF migrations cannot express: its DDL is raw SQL in the Initial migration.
        e.ToTable("ping_results", t => t.ExcludeFromMigrations());
        e.HasNoKey();
        e.Property(r => r.CheckId).HasColumnName("check_id");
        e.Property(r => r.MonitorId).HasColumnName("monitor_id");
        e.Property(r => r.TenantId).HasColumnName("tenant_id");
        e.Property(r => r.Up).HasColumnName("up");
        e.Property(r => r.StatusCode).HasColumnName("status_code");
        e.Property(r => r.LatencyMs).HasColumnName("latency_ms");
        e.Property(r => r.Error).HasColumnName("error");
        e.Property(r => r.DueAt).HasColumnName("due_at");
        e.Property(r => r.CheckedAt).HasColumnName("checked_at");
        e.Property(r => r.IngestedAt).HasColumnName("ingested_at");
        e.Property(r => r.Location).HasColumnName("location");
        e.Property(r => r.Unknown).HasColumnName("unknown");
    }
}
