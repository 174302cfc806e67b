using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Sentinel.ServiceDefaults.Data;

namespace Sentinel.Scheduler;

/// Lets `dotnet ef migrations add` build the model without starting the service.
public sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<SchedulerDb>
{
    public SchedulerDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SchedulerDb>()
            .UseNpgsql(DatabaseExtensions.DefaultConnectionString, o => o.MigrationsHistoryTable("__ef_migrations_history", SchedulerDb.Schema))
            .Options);
}
