using System.Data.Common;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
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
        string? connectionString = null; // the options are built per scope: parse the string once
        builder.Services.AddDbContext<TDb>((sp, options) =>
        {
            connectionString ??= WithDefaults(sp.GetRequiredService<IConfiguration>().GetConnectionString("Postgres")
                ?? DefaultConnectionString);
            options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", schema));
        });
        builder.Services.AddHealthChecks().AddDbContextCheck<TDb>("postgres", tags: ["ready"]);
        builder.Services.TryAddSingleton<QuorumQueues>();
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<OutboxRelay<TDb>>(sp, schema));
        return builder;
    }

    /// Npgsql prepares a statement on the server once it ran `Auto Prepare Min Usages` (5) times on a connection, for
    /// the `Max Auto Prepare` (128) most used. Off by default in Npgsql; without it every batch statement was parsed,
    /// analysed and planned again, a fifth of PostgreSQL's CPU with 10,000 heartbeats pinging (docs/benchmarks.md).
    /// Connections also name their service (`Application Name`, e.g. Sentinel.Scheduler), so pg_stat_activity and
    /// the server's logs tell which service a session belongs to. A connection string that sets either keeps its own.
    public static string WithDefaults(string connectionString)
    {
        // The plain builder knows only the keys the string spells out (Npgsql's answers for every keyword it knows).
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
            builder.MaxAutoPrepare = 128;
        if (!given.ContainsKey("Application Name") && !given.ContainsKey("ApplicationName"))
            builder.ApplicationName = Assembly.GetEntryAssembly()?.GetName().Name;
        return builder.ConnectionString;
    }

    public static Task MigrateAsync<TDb>(IServiceProvider services, CancellationToken ct) where TDb : DbContext =>
        services.GetRequiredService<TDb>().Database.MigrateAsync(ct);
}
