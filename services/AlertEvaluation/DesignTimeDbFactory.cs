using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Sentinel.ServiceDefaults.Data;

namespace Sentinel.AlertEvaluation;

/// Lets `dotnet ef migrations add` build the model without starting the service.
public sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<AlertingDb>
{
    public AlertingDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AlertingDb>()
            .UseNpgsql(DatabaseExtensions.DefaultConnectionString, o => o.MigrationsHistoryTable("__ef_migrations_history", AlertingDb.Schema))
            .Options);
}
