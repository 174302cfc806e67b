using Cronos;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;
using Sentinel.Gateway.AlertRules;

namespace Sentinel.Gateway.MaintenanceWindows;

/// A planned silence over monitors or tags: one-off (startsAt..endsAt) or recurring (cron + duration + IANA time zone).
/// Checks go on; notifications do not.
public sealed class MaintenanceWindow
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public string Name { get; set; } = "";
    public List<Guid> MonitorIds { get; set; } = [];
    public List<string> Tags { get; set; } = [];
    public DateTimeOffset? StartsAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
    public string? Cron { get; set; }
    public int? DurationSeconds { get; set; }
    public string? TimeZone { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static MaintenanceWindow Create(Guid tenantId, MaintenanceWindowSpec spec, DateTimeOffset now)
    {
        var window = new MaintenanceWindow { Id = Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = now };
        window.Apply(spec, now);
        return window;
    }

    public void Apply(MaintenanceWindowSpec spec, DateTimeOffset now)
    {
        Name = spec.Name;
        MonitorIds = [.. spec.MonitorIds];
        Tags = [.. spec.Tags];
        StartsAt = spec.StartsAt;
        EndsAt = spec.EndsAt;
        Cron = spec.Cron;
        DurationSeconds = spec.DurationSeconds;
        TimeZone = spec.TimeZone;
        Version++;
        UpdatedAt = now;
    }

    public MaintenanceWindowUpserted ToUpserted(DateTimeOffset now) =>
        new(Id, TenantId, Version, Name, [.. MonitorIds], [.. Tags], StartsAt, EndsAt, Cron, DurationSeconds, TimeZone, now);

    public MaintenanceWindowDeleted ToDeleted(DateTimeOffset now) => new(Id, TenantId, Version + 1, now);

    internal static void Configure(ModelBuilder model) => model.Entity<MaintenanceWindow>(e =>
    {
        e.ToTable("maintenance_windows");
        e.HasKey(w => w.Id);
        e.Property(w => w.Id).HasColumnName("id");
        e.Property(w => w.TenantId).HasColumnName("tenant_id");
        e.Property(w => w.Name).HasColumnName("name").HasMaxLength(200);
        e.Property(w => w.MonitorIds).HasColumnName("monitor_ids");
        e.Property(w => w.Tags).HasColumnName("tags");
        e.Property(w => w.StartsAt).HasColumnName("starts_at");
        e.Property(w => w.EndsAt).HasColumnName("ends_at");
        e.Property(w => w.Cron).HasColumnName("cron").HasMaxLength(200);
        e.Property(w => w.DurationSeconds).HasColumnName("duration_seconds");
        e.Property(w => w.TimeZone).HasColumnName("time_zone").HasMaxLength(100);
        e.Property(w => w.Version).HasColumnName("version").IsConcurrencyToken();
        e.Property(w => w.CreatedAt).HasColumnName("created_at");
        e.Property(w => w.UpdatedAt).HasColumnName("updated_at");
        e.HasIndex(w => new { w.TenantId, w.Id });
        e.HasOne<Tenants.Tenant>().WithMany().HasForeignKey(w => w.TenantId).OnDelete(DeleteBehavior.Cascade);
    });
}

public sealed record MaintenanceWindowRequest(
    string? Name = null, List<Guid>? MonitorIds = null, List<string>? Tags = null, DateTimeOffset? StartsAt = null,
    DateTimeOffset? EndsAt = null, string? Cron = null, int? DurationSeconds = null, string? TimeZone = null);

public sealed record MaintenanceWindowResponse(
    Guid Id, string Name, string Kind, IReadOnlyList<Guid> MonitorIds, IReadOnlyList<string> Tags, DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt, string? Cron, int? DurationSeconds, string? TimeZone, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static MaintenanceWindowResponse From(MaintenanceWindow w) => new(
        w.Id, w.Name, w.Cron is null ? "one-off" : "recurring", w.MonitorIds, w.Tags, w.StartsAt, w.EndsAt, w.Cron,
        w.DurationSeconds, w.TimeZone, w.CreatedAt, w.UpdatedAt);
}

public sealed record MaintenanceWindowSpec(
    string Name, IReadOnlyList<Guid> MonitorIds, IReadOnlyList<string> Tags, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    string? Cron, int? DurationSeconds, string? TimeZone)
{
    public static (MaintenanceWindowSpec? Spec, Dictionary<string, string[]> Errors) Parse(MaintenanceWindowRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) =>
            errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name))
            Fail("name", "Name is required.");
        else if (name.Length > 200)
            Fail("name", "Name must be at most 200 characters.");
        var (monitorIds, tags) = Selection.Parse(r.MonitorIds, r.Tags, Fail);

        var oneOff = r.StartsAt is not null || r.EndsAt is not null;
        var recurring = r.Cron is not null || r.DurationSeconds is not null || r.TimeZone is not null;
        if (oneOff && recurring)
            Fail("cron", "A window is either one-off (startsAt, endsAt) or recurring (cron, durationSeconds, timeZone), not both.");
        else if (!oneOff && !recurring)
            Fail("startsAt", "Give startsAt and endsAt for a one-off window, or cron, durationSeconds and timeZone for a recurring one.");
        else if (oneOff)
        {
            if (r.StartsAt is null)
                Fail("startsAt", "StartsAt is required.");
            if (r.EndsAt is null)
                Fail("endsAt", "EndsAt is required.");
            else if (r.StartsAt is { } s && r.EndsAt <= s)
                Fail("endsAt", "EndsAt must be after startsAt.");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(r.Cron))
                Fail("cron", "Cron is required for a recurring window.");
            else if (r.Cron.Length > 200 || !CronExpression.TryParse(r.Cron, out _))
                Fail("cron", $"'{r.Cron}' is not a 5-field cron expression (minute hour day-of-month month day-of-week).");
            if (r.DurationSeconds is not { } duration)
                Fail("durationSeconds", "DurationSeconds is required for a recurring window.");
            else if (duration is < 60 or > 604_800)
                Fail("durationSeconds", "DurationSeconds must be between 60 and 604800 (a week).");
            if (string.IsNullOrWhiteSpace(r.TimeZone))
                Fail("timeZone", "TimeZone (an IANA name such as Europe/Berlin) is required for a recurring window.");
            else if (!TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone, out var zone) || !zone.HasIanaId)
                Fail("timeZone", $"'{r.TimeZone}' is not an IANA time zone such as Europe/Berlin.");
        }

        return errors.Count > 0
            ? (null, errors)
            : (new MaintenanceWindowSpec(name!, monitorIds, tags, r.StartsAt?.ToUniversalTime(), r.EndsAt?.ToUniversalTime(),
                r.Cron?.Trim(), r.DurationSeconds, r.TimeZone), errors);
    }
}
