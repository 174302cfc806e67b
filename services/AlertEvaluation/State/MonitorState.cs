using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.State;

/// What Alert-Evaluation knows about one monitor's health: the streaks that thresholds count, the open incident,
/// flapping, and when the clock next has something to do for it.
public sealed class MonitorState
{
    public Guid MonitorId { get; init; }
    public Guid TenantId { get; init; }
    public string Status { get; set; } = MonitorStatuses.New;
    public int ConsecutiveFailures { get; set; }
    public int ConsecutiveSuccesses { get; set; }
    /// Due time of the newest result applied: an older or repeated result never changes the state.
    public DateTimeOffset? LastDueAt { get; set; }
    public Guid? LastCheckId { get; set; }
    public DateTimeOffset? FirstFailureAt { get; set; }
    public string? LastError { get; set; }
    public Guid? OpenIncidentId { get; set; }
    public DateTimeOffset? StatusChangedAt { get; set; }
    /// Status changes within the monitor's flap window (older ones are pruned): what flap detection counts.
    public List<DateTimeOffset> ChangeTimes { get; set; } = [];
    public bool Flapping { get; set; }
    /// Alert rules that fired in the current failure streak: each fires once until the monitor is up again.
    public List<Guid> FiredRuleIds { get; set; } = [];
    /// When a reminder, an escalation level or the end of a maintenance window is due; the alert clock polls this.
    public DateTimeOffset? NextDueAt { get; set; }
    /// PostgreSQL's xmin: a safety net behind the row locks the evaluators take.
    public uint RowVersion { get; private set; }

    public void Pause()
    {
        ConsecutiveFailures = 0;
        ConsecutiveSuccesses = 0;
        FirstFailureAt = null;
        NextDueAt = null;
    }

    internal static void Configure(EntityTypeBuilder<MonitorState> e)
    {
        e.ToTable("monitor_states");
        e.HasKey(s => s.MonitorId);
        e.Property(s => s.MonitorId).HasColumnName("monitor_id");
        e.Property(s => s.TenantId).HasColumnName("tenant_id");
        e.Property(s => s.Status).HasColumnName("status");
        e.Property(s => s.ConsecutiveFailures).HasColumnName("consecutive_failures");
        e.Property(s => s.ConsecutiveSuccesses).HasColumnName("consecutive_successes");
        e.Property(s => s.LastDueAt).HasColumnName("last_due_at");
        e.Property(s => s.LastCheckId).HasColumnName("last_check_id");
        e.Property(s => s.FirstFailureAt).HasColumnName("first_failure_at");
        e.Property(s => s.LastError).HasColumnName("last_error");
        e.Property(s => s.OpenIncidentId).HasColumnName("open_incident_id");
        e.Property(s => s.StatusChangedAt).HasColumnName("status_changed_at");
        e.Property(s => s.ChangeTimes).HasColumnName("change_times").HasDefaultValueSql("'{}'::timestamptz[]");
        e.Property(s => s.Flapping).HasColumnName("flapping");
        e.Property(s => s.FiredRuleIds).HasColumnName("fired_rule_ids").HasDefaultValueSql("'{}'::uuid[]");
        e.Property(s => s.NextDueAt).HasColumnName("next_due_at");
        e.Property(s => s.RowVersion).IsRowVersion();
        e.HasIndex(s => s.NextDueAt).HasFilter("next_due_at is not null").HasDatabaseName("ix_monitor_states_next_due_at");
    }
}
