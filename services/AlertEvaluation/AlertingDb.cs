using Microsoft.EntityFrameworkCore;
using Sentinel.AlertEvaluation.Escalation;
using Sentinel.AlertEvaluation.Heartbeats;
using Sentinel.AlertEvaluation.History;
using Sentinel.AlertEvaluation.Incidents;
using Sentinel.AlertEvaluation.Locations;
using Sentinel.AlertEvaluation.Maintenance;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.Rounds;
using Sentinel.AlertEvaluation.Rules;
using Sentinel.AlertEvaluation.Slos;
using Sentinel.AlertEvaluation.State;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.AlertEvaluation;

public sealed class AlertingDb(DbContextOptions<AlertingDb> options) : DbContext(options)
{
    public const string Schema = "alerting";

    public DbSet<MonitorCopy> Monitors => Set<MonitorCopy>();
    public DbSet<MonitorState> States => Set<MonitorState>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<EscalationPolicyCopy> EscalationPolicies => Set<EscalationPolicyCopy>();
    public DbSet<AlertRuleCopy> AlertRules => Set<AlertRuleCopy>();
    public DbSet<MaintenanceWindowCopy> MaintenanceWindows => Set<MaintenanceWindowCopy>();
    public DbSet<AlertHistoryEntry> History => Set<AlertHistoryEntry>();
    public DbSet<PendingResult> PendingResults => Set<PendingResult>();
    public DbSet<HeartbeatRun> HeartbeatRuns => Set<HeartbeatRun>();
    public DbSet<MonitorFlip> Flips => Set<MonitorFlip>();
    public DbSet<SloCopy> Slos => Set<SloCopy>();
    public DbSet<CheckRound> Rounds => Set<CheckRound>();
    public DbSet<RoundResult> RoundResults => Set<RoundResult>();
    public DbSet<CheckerReport> CheckerReports => Set<CheckerReport>();
    public DbSet<LocationState> LocationStates => Set<LocationState>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasDefaultSchema(Schema);
        model.AddOutbox();
        MonitorCopy.Configure(model.Entity<MonitorCopy>());
        MonitorState.Configure(model.Entity<MonitorState>());
        Incident.Configure(model.Entity<Incident>());
        EscalationPolicyCopy.Configure(model.Entity<EscalationPolicyCopy>());
        AlertRuleCopy.Configure(model.Entity<AlertRuleCopy>());
        MaintenanceWindowCopy.Configure(model.Entity<MaintenanceWindowCopy>());
        AlertHistoryEntry.Configure(model.Entity<AlertHistoryEntry>());
        PendingResult.Configure(model.Entity<PendingResult>());
        HeartbeatRun.Configure(model.Entity<HeartbeatRun>());
        MonitorFlip.Configure(model.Entity<MonitorFlip>());
        SloCopy.Configure(model.Entity<SloCopy>());
        CheckRound.Configure(model.Entity<CheckRound>());
        RoundResult.Configure(model.Entity<RoundResult>());
        CheckerReport.Configure(model.Entity<CheckerReport>());
        LocationState.Configure(model.Entity<LocationState>());
    }
}
