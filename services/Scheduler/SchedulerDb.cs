using Microsoft.EntityFrameworkCore;
using Sentinel.Scheduler.Schedules;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Scheduler;

public sealed class SchedulerDb(DbContextOptions<SchedulerDb> options) : DbContext(options)
{
    public const string Schema = "scheduler";

    public DbSet<Schedule> Schedules => Set<Schedule>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddOutbox();
        modelBuilder.Entity<Schedule>(Schedule.Configure);
    }
}
