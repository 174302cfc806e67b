using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.State;

/// What Alert-Evaluation knows about one monitor's health: the streaks that thresholds count and the open incident.
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
    /// PostgreSQL's xmin: two evaluators racing on one monitor make one of them retry instead of losing an update.
    public uint RowVersion { get; private set; }

    public void Pause()
    {
        ConsecutiveFailures = 0;
        ConsecutiveSuccesses = 0;
        FirstFailureAt = null;
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
        e.Property(s => s.RowVersion).IsRowVersion();
    }
}
