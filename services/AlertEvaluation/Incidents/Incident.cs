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
    /// When people were first told (null while the alert is held back by maintenance, a down parent or flapping).
    /// "M minutes unacknowledged" counts from here.
    public DateTimeOffset? AlertedAt { get; set; }
    /// Why the down alert is held back right now (maintenance, parent-down, flapping), or null.
    public string? HeldReason { get; set; }
    /// Opened while a maintenance window covered the monitor.
    public bool InMaintenance { get; set; }
    /// The parent's incident this one was silenced under, so the parent's incident can name its affected children.
    public Guid? SuppressedByIncidentId { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; private set; }
    public Guid? AcknowledgedByKeyId { get; private set; }
    public string? AcknowledgedBy { get; private set; }
    /// Every channel told that the monitor is down (monitor channels, rules, escalation levels): recovery tells them all.
    public List<Guid> NotifiedChannelIds { get; set; } = [];
    /// 1-based escalation levels already notified: each fires once per incident.
    public List<int> NotifiedLevels { get; set; } = [];
    /// Children down with the parent when its alert went out.
    public List<string> AffectedMonitors { get; set; } = [];
    public int RemindersSent { get; set; }
    public DateTimeOffset? NextReminderAt { get; set; }

    public bool IsOpen => Status == OpenStatus;

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
        NextReminderAt = null;
    }

    public void Acknowledge(DateTimeOffset now, Guid? keyId, string? by)
    {
        AcknowledgedAt = now;
        AcknowledgedByKeyId = keyId;
        AcknowledgedBy = by;
        NextReminderAt = null;
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
        e.Property(i => i.AlertedAt).HasColumnName("alerted_at");
        e.Property(i => i.HeldReason).HasColumnName("held_reason");
        e.Property(i => i.InMaintenance).HasColumnName("in_maintenance");
        e.Property(i => i.SuppressedByIncidentId).HasColumnName("suppressed_by_incident_id");
        e.Property(i => i.AcknowledgedAt).HasColumnName("acknowledged_at");
        e.Property(i => i.AcknowledgedByKeyId).HasColumnName("acknowledged_by_key_id");
        e.Property(i => i.AcknowledgedBy).HasColumnName("acknowledged_by");
        e.Property(i => i.NotifiedChannelIds).HasColumnName("notified_channel_ids").HasDefaultValueSql("'{}'::uuid[]");
        e.Property(i => i.NotifiedLevels).HasColumnName("notified_levels").HasDefaultValueSql("'{}'::integer[]");
        e.Property(i => i.AffectedMonitors).HasColumnName("affected_monitors").HasDefaultValueSql("'{}'::text[]");
        e.Property(i => i.RemindersSent).HasColumnName("reminders_sent");
        e.Property(i => i.NextReminderAt).HasColumnName("next_reminder_at");
        e.HasIndex(i => new { i.TenantId, i.Id });
        e.HasIndex(i => i.SuppressedByIncidentId).HasFilter("suppressed_by_incident_id is not null");
        // At most one open incident per monitor, whatever races between evaluators.
        e.HasIndex(i => i.MonitorId).IsUnique().HasFilter("status = 'open'").HasDatabaseName("ix_incidents_one_open_per_monitor");
    }
}
