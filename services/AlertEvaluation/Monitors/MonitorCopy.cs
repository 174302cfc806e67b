using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Monitors;

/// Alert-Evaluation's own copy of a monitor's alert settings, kept from the Gateway's catalog events.
public sealed class MonitorCopy
{
    /// Flap detection when the monitor does not say: more than 5 status changes within 10 minutes.
    public const int DefaultFlapThreshold = 5;
    public const int DefaultFlapWindowSeconds = 600;

    public Guid MonitorId { get; init; }
    public Guid TenantId { get; init; }
    public long Version { get; private set; }
    public string Name { get; private set; } = "";
    public bool Paused { get; private set; }
    public bool Deleted { get; private set; }
    public int FailureThreshold { get; private set; } = 1;
    public int RecoveryThreshold { get; private set; } = 1;
    public List<Guid> ChannelIds { get; private set; } = [];
    public bool AlertOnRecovery { get; private set; } = true;
    public string? CustomMessage { get; private set; }
    public List<string> Tags { get; private set; } = [];
    public int ResendEverySeconds { get; private set; }
    public Guid? EscalationPolicyId { get; private set; }
    public Guid? ParentMonitorId { get; private set; }
    /// More than this many status changes within FlapWindowSeconds mark the monitor flapping; 0 turns detection off.
    public int FlapThreshold { get; private set; } = DefaultFlapThreshold;
    public int FlapWindowSeconds { get; private set; } = DefaultFlapWindowSeconds;
    public DateTimeOffset UpdatedAt { get; private set; }
    /// The monitor kind ("http", "heartbeat", ...): heartbeat pings and deadline misses only count for heartbeats.
    public string Type { get; private set; } = "http";
    /// The monitor's conditions; for a heartbeat, those on [DURATION] are evaluated when a run finishes.
    public List<string> Conditions { get; private set; } = [];
    /// Heartbeat: once down, success pings change nothing until the monitor is resumed through the API.
    public bool ManualResume { get; private set; }
    /// Heartbeat: how long a started run may take before the Scheduler reports it as a run-timeout.
    public int? GraceSeconds { get; private set; }
    /// The last resume through the API (unpause, or letting a manual-resume heartbeat go): the state restarts from "new".
    public DateTimeOffset? ResumedAt { get; private set; }
    /// How long one check may take: a multi-location round closes this long (plus a margin) after its due time.
    public int TimeoutSeconds { get; private set; } = 10;
    /// Where the monitor is checked from; empty: any Checker, one result per due time (no rounds).
    public List<string> Locations { get; private set; } = [];
    /// How many of the Locations must report down in a round for it to count as a failure (null: all of them).
    public int? Quorum { get; private set; }

    /// k of n: Quorum clamped to 1..n, all locations when unset.
    public int EffectiveQuorum => Math.Clamp(Quorum ?? Locations.Count, 1, Math.Max(1, Locations.Count));

    public static MonitorCopy From(MonitorUpserted e)
    {
        var copy = new MonitorCopy { MonitorId = e.MonitorId, TenantId = e.TenantId };
        copy.Apply(e);
        return copy;
    }

    public void Apply(MonitorUpserted e)
    {
        Version = e.Version;
        Name = e.Name;
        Paused = e.Paused;
        FailureThreshold = e.FailureThreshold;
        RecoveryThreshold = e.RecoveryThreshold;
        ChannelIds = [.. e.ChannelIds];
        AlertOnRecovery = e.AlertOnRecovery;
        CustomMessage = e.CustomMessage;
        Tags = [.. e.Tags];
        ResendEverySeconds = e.ResendEverySeconds;
        EscalationPolicyId = e.EscalationPolicyId;
        ParentMonitorId = e.ParentMonitorId;
        FlapThreshold = e.FlapThreshold ?? DefaultFlapThreshold;
        FlapWindowSeconds = e.FlapWindowSeconds ?? DefaultFlapWindowSeconds;
        UpdatedAt = e.OccurredAt;
        Type = e.Type;
        Conditions = [.. e.Check?.Conditions ?? []];
        ManualResume = e.Check?.Heartbeat?.ManualResume ?? false;
        GraceSeconds = e.Check?.Heartbeat?.GraceSeconds;
        TimeoutSeconds = e.TimeoutSeconds;
        Locations = [.. e.Locations ?? []];
        Quorum = Locations.Count > 0 ? e.Quorum : null;
        if (e.ResumedAt is { } resumed && (ResumedAt is null || resumed > ResumedAt))
            ResumedAt = resumed;
    }

    /// Whether this event resumes the monitor since the copy last saw a resume (ask before applying it).
    public bool IsResumedBy(MonitorUpserted e) => !e.Paused && e.ResumedAt is { } resumed && (ResumedAt is null || resumed > ResumedAt);

    public void MarkDeleted(MonitorDeleted e)
    {
        Version = e.Version;
        Deleted = true;
        UpdatedAt = e.OccurredAt;
    }

    /// Whether a rule or maintenance window that names these monitors or tags covers this monitor.
    public bool IsCoveredBy(IReadOnlyCollection<Guid> monitorIds, IReadOnlyCollection<string> tags) =>
        monitorIds.Contains(MonitorId) || tags.Any(Tags.Contains);

    internal static void Configure(EntityTypeBuilder<MonitorCopy> e)
    {
        e.ToTable("monitors");
        e.HasKey(m => m.MonitorId);
        e.Property(m => m.MonitorId).HasColumnName("monitor_id");
        e.Property(m => m.TenantId).HasColumnName("tenant_id");
        e.Property(m => m.Version).HasColumnName("version");
        e.Property(m => m.Name).HasColumnName("name");
        e.Property(m => m.Paused).HasColumnName("paused");
        e.Property(m => m.Deleted).HasColumnName("deleted");
        e.Property(m => m.FailureThreshold).HasColumnName("failure_threshold");
        e.Property(m => m.RecoveryThreshold).HasColumnName("recovery_threshold");
        e.Property(m => m.ChannelIds).HasColumnName("channel_ids");
        e.Property(m => m.AlertOnRecovery).HasColumnName("alert_on_recovery");
        e.Property(m => m.CustomMessage).HasColumnName("custom_message");
        e.Property(m => m.Tags).HasColumnName("tags").HasDefaultValueSql("'{}'::text[]");
        e.Property(m => m.ResendEverySeconds).HasColumnName("resend_every_seconds");
        e.Property(m => m.EscalationPolicyId).HasColumnName("escalation_policy_id");
        e.Property(m => m.ParentMonitorId).HasColumnName("parent_monitor_id");
        e.Property(m => m.FlapThreshold).HasColumnName("flap_threshold");
        e.Property(m => m.FlapWindowSeconds).HasColumnName("flap_window_seconds");
        e.Property(m => m.UpdatedAt).HasColumnName("updated_at");
        e.Property(m => m.Type).HasColumnName("type"); // existing rows: "http", set by the migration
        e.Property(m => m.Conditions).HasColumnName("conditions").HasDefaultValueSql("'{}'::text[]");
        e.Property(m => m.ManualResume).HasColumnName("manual_resume");
        e.Property(m => m.GraceSeconds).HasColumnName("grace_seconds");
        e.Property(m => m.ResumedAt).HasColumnName("resumed_at");
        e.Property(m => m.TimeoutSeconds).HasColumnName("timeout_seconds"); // the migration fills existing rows with 10
        e.Property(m => m.Locations).HasColumnName("locations").HasDefaultValueSql("'{}'::text[]");
        e.Property(m => m.Quorum).HasColumnName("quorum");
        e.HasIndex(m => m.ParentMonitorId).HasDatabaseName("ix_monitors_parent_monitor_id");
    }
}
