using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Sentinel.ServiceDefaults.Messaging;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.ServiceDefaults.Data;

public static class DatabaseExtensions
{
    public const string DefaultConnectionString =
        "Host=localhost;Port=5432;Database=sentinel;Username=sentinel;Password=sentinel";

    /// The service's own DbContext on its own schema (migrations history included), a readiness check for it,
    /// and the outbox relay for the messages its transactions commit.
    public static IHostApplicationBuilder AddSentinelDatabase<TDb>(this IHostApplicationBuilder builder, string schema)
        where TDb : DbContext
    {
        builder.Services.AddDbContext<TDb>((sp, options) =>
        {
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString("Postgres")
                ?? DefaultConnectionString;
            options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", schema));
        });
        builder.Services.AddHealthChecks().AddDbContextCheck<TDb>("postgres", tags: ["ready"]);
        builder.Services.TryAddSingleton<QuorumQueues>();
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<OutboxRelay<TDb>>(sp, schema));
        return builder;
    }

    public static Task MigrateAsync<TDb>(IServiceProvider services, CancellationToken ct) where TDb : DbContext =>
        services.GetRequiredService<TDb>().Database.MigrateAsync(ct);
}
