using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.AlertEvaluation.Monitors;

namespace Sentinel.AlertEvaluation.Incidents;

public sealed class Incident
{
    public const string OpenStatus = "open";
    public const string ResolvedStatus = "resolved";

    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Guid MonitorId { get; init; }
    public string MonitorName { get; init; } = "";
    public string Status { get; private set; } = OpenStatus;
    public string? Error { get; init; }
    public DateTimeOffset FirstFailureAt { get; init; }
    public DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; private set; }

    public static Incident Open(MonitorCopy monitor, string? error, DateTimeOffset firstFailureAt, DateTimeOffset now) =>
        new()
        {
            Id = Guid.CreateVersion7(now),
            TenantId = monitor.TenantId,
            MonitorId = monitor.MonitorId,
            MonitorName = monitor.Name,
            Error = error,
            FirstFailureAt = firstFailureAt,
            OpenedAt = now,
        };

    public void Resolve(DateTimeOffset now)
    {
        Status = ResolvedStatus;
        ResolvedAt = now;
    }

    internal static void Configure(EntityTypeBuilder<Incident> e)
    {
        e.ToTable("incidents");
        e.HasKey(i => i.Id);
        e.Property(i => i.Id).HasColumnName("id");
        e.Property(i => i.TenantId).HasColumnName("tenant_id");
        e.Property(i => i.MonitorId).HasColumnName("monitor_id");
        e.Property(i => i.MonitorName).HasColumnName("monitor_name");
        e.Property(i => i.Status).HasColumnName("status");
        e.Property(i => i.Error).HasColumnName("error");
        e.Property(i => i.FirstFailureAt).HasColumnName("first_failure_at");
        e.Property(i => i.OpenedAt).HasColumnName("opened_at");
        e.Property(i => i.ResolvedAt).HasColumnName("resolved_at");
        e.HasIndex(i => new { i.TenantId, i.Id });
        // At most one open incident per monitor, whatever races between evaluators.
        e.HasIndex(i => i.MonitorId).IsUnique().HasFilter("status = 'open'").HasDatabaseName("ix_incidents_one_open_per_monitor");
    }
}
