using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Sentinel.AlertEvaluation.Heartbeats;

public static class RunOutcomes
{
    public const string Running = "running";
    public const string Success = "success";
    public const string Fail = "fail";
    public const string Timeout = "timeout";
}

/// One run of a heartbeat job: opened by a start ping, closed by the success or fail ping with the same rid (or, for
/// runs without a rid, the next such ping without one), or by the Scheduler's run-timeout. Id is the start ping's id,
/// so a redelivered start opens nothing; FinishPingId marks the ping that closed it, so a redelivered finish closes
/// nothing else and yields the same result again.
public sealed class HeartbeatRun
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Guid MonitorId { get; init; }
    /// The `?rid=` of the start, or Id for a run started without one.
    public Guid RunId { get; init; }
    public bool Anonymous { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; private set; }
    /// Start to finish; null while running and for a run that timed out (it never reported its end).
    public double? DurationMs { get; private set; }
    public string Outcome { get; private set; } = RunOutcomes.Running;
    public Guid? FinishPingId { get; private set; }
    /// PostgreSQL's xmin: two replicas closing the same run cannot both win; the loser's message is retried.
    public uint RowVersion { get; private set; }

    public bool IsOpen => Outcome == RunOutcomes.Running;

    public static HeartbeatRun Start(Guid startPingId, Guid tenantId, Guid monitorId, Guid? runId, DateTimeOffset at) =>
        new()
        {
            Id = startPingId,
            TenantId = tenantId,
            MonitorId = monitorId,
            RunId = runId ?? startPingId,
            Anonymous = runId is null,
            StartedAt = at,
        };

    public void Finish(Guid pingId, DateTimeOffset at, string outcome)
    {
        FinishedAt = at;
        DurationMs = Math.Max(0, (at - StartedAt).TotalMilliseconds);
        Outcome = outcome;
        FinishPingId = pingId;
    }

    /// A finished run whose [DURATION] condition failed counts as failed.
    public void MarkFailed() => Outcome = RunOutcomes.Fail;

    public void TimeOut(DateTimeOffset deadline)
    {
        FinishedAt = deadline;
        Outcome = RunOutcomes.Timeout;
    }

    internal static void Configure(EntityTypeBuilder<HeartbeatRun> e)
    {
        e.ToTable("heartbeat_runs");
        e.HasKey(r => r.Id);
        e.Property(r => r.Id).HasColumnName("id");
        e.Property(r => r.TenantId).HasColumnName("tenant_id");
        e.Property(r => r.MonitorId).HasColumnName("monitor_id");
        e.Property(r => r.RunId).HasColumnName("run_id");
        e.Property(r => r.Anonymous).HasColumnName("anonymous");
        e.Property(r => r.StartedAt).HasColumnName("started_at");
        e.Property(r => r.FinishedAt).HasColumnName("finished_at");
        e.Property(r => r.DurationMs).HasColumnName("duration_ms");
        e.Property(r => r.Outcome).HasColumnName("outcome");
        e.Property(r => r.FinishPingId).HasColumnName("finish_ping_id");
        e.Property(r => r.RowVersion).IsRowVersion();
        e.HasIndex(r => new { r.TenantId, r.MonitorId, r.StartedAt, r.Id }).IsDescending(false, false, true, true)
            .HasDatabaseName("ix_heartbeat_runs_monitor_started_at");
        e.HasIndex(r => r.MonitorId).HasFilter("outcome = 'running'").HasDatabaseName("ix_heartbeat_runs_open");
        e.HasIndex(r => r.FinishPingId).IsUnique().HasFilter("finish_ping_id is not null").HasDatabaseName("ix_heartbeat_runs_finish_ping_id");
    }
}
