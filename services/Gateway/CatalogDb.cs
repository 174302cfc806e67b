using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Design;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.AlertRules;
using Sentinel.Gateway.ApiKeys;
using Sentinel.Gateway.Channels;
using Sentinel.Gateway.EscalationPolicies;
using Sentinel.Gateway.MaintenanceWindows;
using Sentinel.Gateway.Slos;
using Sentinel.Gateway.StatusPages;
using Sentinel.Gateway.Tenants;
using Sentinel.ServiceDefaults.Data;
using Sentinel.ServiceDefaults.Outbox;
using Monitor = Sentinel.Gateway.Monitors.Monitor;

namespace Sentinel.Gateway;

/// The configuration catalog: tenants, keys, monitors, channels, and the outbox of the events they cause.
public sealed class CatalogDb(DbContextOptions<CatalogDb> options) : DbContext(options)
{
    public const string Schema = "gateway";

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Monitor> Monitors => Set<Monitor>();
    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<EscalationPolicy> EscalationPolicies => Set<EscalationPolicy>();
    public DbSet<AlertRule> AlertRules => Set<AlertRule>();
    public DbSet<MaintenanceWindow> MaintenanceWindows => Set<MaintenanceWindow>();
    public DbSet<StatusPage> StatusPages => Set<StatusPage>();
    public DbSet<Slo> Slos => Set<Slo>();

    // Alerting settings of a monitor, stored with it (shadow properties until Monitor.cs carries them as its own).
    public const string MonitorEscalationPolicyId = "EscalationPolicyId";
    public const string MonitorParentMonitorId = "ParentMonitorId";
    public const string MonitorFlapThreshold = "FlapThreshold";
    public const string MonitorFlapWindowSeconds = "FlapWindowSeconds";
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasDefaultSchema(Schema);
        model.AddOutbox();

        model.Entity<Tenant>(e =>
        {
            e.ToTable("tenants");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).HasColumnName("id");
            e.Property(t => t.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(t => t.CreatedAt).HasColumnName("created_at");
            e.Property(t => t.PingKey).HasColumnName("ping_key").HasMaxLength(64);
            e.HasIndex(t => t.PingKey).IsUnique().HasFilter("ping_key is not null");
        });

        model.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.Id).HasColumnName("id");
            e.Property(k => k.TenantId).HasColumnName("tenant_id");
            e.Property(k => k.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(k => k.Prefix).HasColumnName("prefix").HasMaxLength(16);
            e.Property(k => k.KeyHash).HasColumnName("key_hash").HasMaxLength(64);
            e.Property(k => k.Scope).HasColumnName("scope").HasMaxLength(20);
            e.Property(k => k.CreatedAt).HasColumnName("created_at");
            e.Property(k => k.RevokedAt).HasColumnName("revoked_at");
            e.HasIndex(k => k.KeyHash).IsUnique();
            e.HasIndex(k => k.TenantId);
            e.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<Monitor>(e =>
        {
            e.ToTable("monitors");
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).HasColumnName("id");
            e.Property(m => m.TenantId).HasColumnName("tenant_id");
            e.Property(m => m.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(m => m.Type).HasColumnName("type").HasMaxLength(20);
            e.Property(m => m.Url).HasColumnName("url").HasMaxLength(2048);
            e.Property(m => m.Method).HasColumnName("method").HasMaxLength(10);
            e.Property(m => m.Headers).HasColumnName("headers").HasColumnType("jsonb").HasConversion(JsonDictionary.Converter, JsonDictionary.Comparer);
            e.Property(m => m.Body).HasColumnName("body");
            e.Property(m => m.ExpectedStatus).HasColumnName("expected_status");
            e.Property(m => m.FollowRedirects).HasColumnName("follow_redirects");
            e.Property(m => m.IgnoreTls).HasColumnName("ignore_tls");
            e.Property(m => m.Settings).HasColumnName("settings").HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
            e.Property(m => m.IntervalSeconds).HasColumnName("interval_seconds");
            e.Property(m => m.TimeoutSeconds).HasColumnName("timeout_seconds");
            e.Property(m => m.FailureThreshold).HasColumnName("failure_threshold");
            e.Property(m => m.RecoveryThreshold).HasColumnName("recovery_threshold");
            e.Property(m => m.ChannelIds).HasColumnName("channel_ids");
            e.Property(m => m.AlertOnRecovery).HasColumnName("alert_on_recovery");
            e.Property(m => m.CustomMessage).HasColumnName("custom_message").HasMaxLength(2000);
            e.Property(m => m.Tags).HasColumnName("tags");
            e.Property(m => m.ResendEverySeconds).HasColumnName("resend_every_seconds");
            e.Property(m => m.Paused).HasColumnName("paused");
            e.Property(m => m.PingToken).HasColumnName("ping_token").HasMaxLength(64);
            e.Property(m => m.Slug).HasColumnName("slug").HasMaxLength(100);
            e.Property(m => m.ResumedAt).HasColumnName("resumed_at");
            e.Property(m => m.Locations).HasColumnName("locations").HasDefaultValueSql("'{}'::text[]");
            e.Property(m => m.Quorum).HasColumnName("quorum");
            // The default covers rows written by SQL alone (and the backfill of existing rows in the migration).
            e.Property(m => m.PublicId).HasColumnName("public_id").HasMaxLength(32)
                .HasDefaultValueSql("replace(gen_random_uuid()::text, '-', '')");
            e.HasIndex(m => m.PublicId).IsUnique();
            e.HasIndex(m => m.PingToken).IsUnique().HasFilter("ping_token is not null");
            e.HasIndex(m => new { m.TenantId, m.Slug }).IsUnique().HasFilter("slug is not null");
            e.Property(m => m.Status).HasColumnName("status").HasMaxLength(20);
            e.Property(m => m.StatusChangedAt).HasColumnName("status_changed_at");
            // Two concurrent writes must not both produce "version N+1" with different content.
            e.Property(m => m.Version).HasColumnName("version").IsConcurrencyToken();
            e.Property(m => m.CreatedAt).HasColumnName("created_at");
            e.Property(m => m.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(m => new { m.TenantId, m.Id });
            e.HasIndex(m => m.ChannelIds).HasMethod("gin");
            e.Property<Guid?>(MonitorEscalationPolicyId).HasColumnName("escalation_policy_id");
            e.Property<Guid?>(MonitorParentMonitorId).HasColumnName("parent_monitor_id");
            e.Property<int?>(MonitorFlapThreshold).HasColumnName("flap_threshold");
            e.Property<int?>(MonitorFlapWindowSeconds).HasColumnName("flap_window_seconds");
            e.HasIndex(MonitorEscalationPolicyId).HasFilter("escalation_policy_id is not null");
            e.HasIndex(MonitorParentMonitorId).HasFilter("parent_monitor_id is not null");
            e.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<Channel>(e =>
        {
            e.ToTable("channels");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).HasColumnName("id");
            e.Property(c => c.TenantId).HasColumnName("tenant_id");
            e.Property(c => c.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(c => c.Type).HasColumnName("type").HasMaxLength(20);
            e.Property(c => c.Url).HasColumnName("url").HasMaxLength(2048);
            e.Property(c => c.Headers).HasColumnName("headers").HasColumnType("jsonb").HasConversion(JsonDictionary.Converter, JsonDictionary.Comparer);
            e.Property(c => c.Settings).HasColumnName("settings").HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
            e.Property(c => c.Version).HasColumnName("version").IsConcurrencyToken();
            e.Property(c => c.CreatedAt).HasColumnName("created_at");
            e.Property(c => c.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(c => new { c.TenantId, c.Id });
            e.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        EscalationPolicy.Configure(model);
        AlertRule.Configure(model);
        MaintenanceWindow.Configure(model);
        StatusPage.Configure(model);
        Slo.Configure(model);

        model.Entity<IdempotencyRecord>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(r => new { r.TenantId, r.Key });
            e.Property(r => r.TenantId).HasColumnName("tenant_id");
            e.Property(r => r.Key).HasColumnName("key").HasMaxLength(255);
            e.Property(r => r.Request).HasColumnName("request").HasMaxLength(300);
            e.Property(r => r.StatusCode).HasColumnName("status_code");
            e.Property(r => r.Location).HasColumnName("location");
            // text, not jsonb: a replay must return the very bytes of the first response.
            e.Property(r => r.Body).HasColumnName("body");
            e.Property(r => r.CreatedAt).HasColumnName("created_at");
            e.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    static class JsonDictionary
    {
        public static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<Dictionary<string, string>, string> Converter = new(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, JsonSerializerOptions.Default) ?? new Dictionary<string, string>());

        public static readonly ValueComparer<Dictionary<string, string>> Comparer = new(
            (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
            v => v.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
            v => new Dictionary<string, string>(v));
    }
}

/// Lets `dotnet ef` build the model without starting the service.
public sealed class CatalogDbDesignFactory : IDesignTimeDbContextFactory<CatalogDb>
{
    public CatalogDb CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<CatalogDb>()
        .UseNpgsql(DatabaseExtensions.DefaultConnectionString, o => o.MigrationsHistoryTable("__ef_migrations_history", CatalogDb.Schema))
        .Options);
}
