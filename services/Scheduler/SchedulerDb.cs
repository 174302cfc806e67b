using Microsoft.EntityFrameworkCore;
using Sentinel.Scheduler.Heartbeats;
using Sentinel.Scheduler.Schedules;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Scheduler;

public sealed class SchedulerDb(DbContextOptions<SchedulerDb> options) : DbContext(options)
{
    public const string Schema = "scheduler";

    public DbSet<Schedule> Schedules => Set<Schedule>();
    public DbSet<Heartbeat> Heartbeats => Set<Heartbeat>();
    public DbSet<EarlyPing> EarlyPings => Set<EarlyPing>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddOutbox();
        modelBuilder.Entity<Schedule>(Schedule.Configure);
        modelBuilder.Entity<Heartbeat>(Heartbeat.Configure);
        modelBuilder.Entity<EarlyPing>(EarlyPing.Configure);
    }
}
