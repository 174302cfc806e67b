using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Maintenance;

/// Alert-Evaluation's copy of a maintenance window: one-off (StartsAt..EndsAt) or recurring (Cron, DurationSeconds,
/// TimeZone), over the monitors named or carrying one of the tags.
public sealed class MaintenanceWindowCopy
{
    public Guid WindowId { get; init; }
    public Guid TenantId { get; init; }
    public long Version { get; private set; }
    public bool Deleted { get; private set; }
    public string Name { get; private set; } = "";
    public List<Guid> MonitorIds { get; private set; } = [];
    public List<string> Tags { get; private set; } = [];
    public DateTimeOffset? StartsAt { get; private set; }
    public DateTimeOffset? EndsAt { get; private set; }
    public string? Cron { get; private set; }
    public int? DurationSeconds { get; private set; }
    public string? TimeZone { get; private set; }

    public void Apply(MaintenanceWindowUpserted e)
    {
        Version = e.Version;
        Name = e.Name;
        MonitorIds = [.. e.MonitorIds];
        Tags = [.. e.Tags];
        // PostgreSQL stores timestamptz from UTC offsets only.
        StartsAt = e.StartsAt?.ToUniversalTime();
        EndsAt = e.EndsAt?.ToUniversalTime();
        Cron = e.Cron;
        DurationSeconds = e.DurationSeconds;
        TimeZone = e.TimeZone;
    }

    public void MarkDeleted(long version)
    {
        Version = version;
        Deleted = true;
    }

    internal static void Configure(EntityTypeBuilder<MaintenanceWindowCopy> e)
    {
        e.ToTable("maintenance_windows");
        e.HasKey(w => w.WindowId);
        e.Property(w => w.WindowId).HasColumnName("window_id");
        e.Property(w => w.TenantId).HasColumnName("tenant_id");
        e.Property(w => w.Version).HasColumnName("version");
        e.Property(w => w.Deleted).HasColumnName("deleted");
        e.Property(w => w.Name).HasColumnName("name");
        e.Property(w => w.MonitorIds).HasColumnName("monitor_ids");
        e.Property(w => w.Tags).HasColumnName("tags");
        e.Property(w => w.StartsAt).HasColumnName("starts_at");
        e.Property(w => w.EndsAt).HasColumnName("ends_at");
        e.Property(w => w.Cron).HasColumnName("cron");
        e.Property(w => w.DurationSeconds).HasColumnName("duration_seconds");
        e.Property(w => w.TimeZone).HasColumnName("time_zone");
        e.HasIndex(w => w.TenantId);
    }
}

public sealed class MaintenanceWindowUpsertedConsumer(AlertingDb db) : IConsumer<MaintenanceWindowUpserted>
{
    public async Task Consume(ConsumeContext<MaintenanceWindowUpserted> context)
    {
        var e = context.Message;
        var copy = await db.MaintenanceWindows.FindAsync([e.WindowId], context.CancellationToken);
        if (copy is null)
        {
            copy = new MaintenanceWindowCopy { WindowId = e.WindowId, TenantId = e.TenantId };
            copy.Apply(e);
            db.MaintenanceWindows.Add(copy);
        }
        else if (!copy.Deleted && e.Version > copy.Version)
            copy.Apply(e);
        else
            return;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

public sealed class MaintenanceWindowDeletedConsumer(AlertingDb db) : IConsumer<MaintenanceWindowDeleted>
{
    public async Task Consume(ConsumeContext<MaintenanceWindowDeleted> context)
    {
        var e = context.Message;
        var copy = await db.MaintenanceWindows.FindAsync([e.WindowId], context.CancellationToken);
        if (copy is null)
        {
            copy = new MaintenanceWindowCopy { WindowId = e.WindowId, TenantId = e.TenantId };
            db.MaintenanceWindows.Add(copy);
        }
        else if (e.Version <= copy.Version)
            return;
        copy.MarkDeleted(e.Version);
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
