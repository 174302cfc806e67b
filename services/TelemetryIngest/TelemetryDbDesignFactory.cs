using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Sentinel.ServiceDefaults.Data;

namespace Sentinel.TelemetryIngest;

/// Lets `dotnet ef` build the model without starting the host (and its bus).
public sealed class TelemetryDbDesignFactory : IDesignTimeDbContextFactory<TelemetryDb>
{
    public TelemetryDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TelemetryDb>()
            .UseNpgsql(DatabaseExtensions.DefaultConnectionString,
                npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", TelemetryDb.Schema))
            .Options);
}
