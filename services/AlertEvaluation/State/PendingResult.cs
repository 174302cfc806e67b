using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.State;

/// A result whose monitor is not known yet (its MonitorUpserted travels on another queue and may arrive later). It is
/// parked here instead of failing the whole batch, and evaluated by the alert clock once the monitor arrives.
public sealed class PendingResult
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
    public DateTimeOffset ParkedAt { get; init; }

    public static PendingResult From(MonitorChecked r, DateTimeOffset now) => new()
    {
        CheckId = r.CheckId, MonitorId = r.MonitorId, TenantId = r.TenantId, Up = r.Up, StatusCode = r.StatusCode,
        LatencyMs = r.LatencyMs, Error = r.Error, DueAt = r.DueAt, CheckedAt = r.CheckedAt, ParkedAt = now,
    };

    public MonitorChecked ToResult() => new(CheckId, MonitorId, TenantId, Up, StatusCode, LatencyMs, Error, DueAt, CheckedAt);

    internal static void Configure(EntityTypeBuilder<PendingResult> e)
    {
        e.ToTable("pending_results");
        e.HasKey(p => p.CheckId);
        e.Property(p => p.CheckId).HasColumnName("check_id");
        e.Property(p => p.MonitorId).HasColumnName("monitor_id");
        e.Property(p => p.TenantId).HasColumnName("tenant_id");
        e.Property(p => p.Up).HasColumnName("up");
        e.Property(p => p.StatusCode).HasColumnName("status_code");
        e.Property(p => p.LatencyMs).HasColumnName("latency_ms");
        e.Property(p => p.Error).HasColumnName("error");
        e.Property(p => p.DueAt).HasColumnName("due_at");
        e.Property(p => p.CheckedAt).HasColumnName("checked_at");
        e.Property(p => p.ParkedAt).HasColumnName("parked_at");
        e.HasIndex(p => p.MonitorId);
    }
}
