using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Sentinel.Delivery.Channels;
using Sentinel.Delivery.Notifications;
using Sentinel.ServiceDefaults.Data;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Delivery;

public sealed class DeliveryDb(DbContextOptions<DeliveryDb> options) : DbContext(options)
{
    public const string Schema = "delivery";

    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<NotificationDelivery> Deliveries => Set<NotificationDelivery>();
    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DeliveryDb).Assembly);
        modelBuilder.AddOutbox();
    }
}

/// Lets `dotnet ef migrations add` build the model without starting the service.
public sealed class DeliveryDbDesignTimeFactory : IDesignTimeDbContextFactory<DeliveryDb>
{
    public DeliveryDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<DeliveryDb>()
            .UseNpgsql(DatabaseExtensions.DefaultConnectionString,
                npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", DeliveryDb.Schema))
            .Options);
}
