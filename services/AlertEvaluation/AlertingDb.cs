using Microsoft.EntityFrameworkCore;
using Sentinel.AlertEvaluation.Incidents;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.State;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.AlertEvaluation;

public sealed class AlertingDb(DbContextOptions<AlertingDb> options) : DbContext(options)
{
    public const string Schema = "alerting";

    public DbSet<MonitorCopy> Monitors => Set<MonitorCopy>();
    public DbSet<MonitorState> States => Set<MonitorState>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasDefaultSchema(Schema);
        model.AddOutbox();
        MonitorCopy.Configure(model.Entity<MonitorCopy>());
        MonitorState.Configure(model.Entity<MonitorState>());
        Incident.Configure(model.Entity<Incident>());
    }
}
