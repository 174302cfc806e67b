using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Slos;

/// A service level objective: ObjectivePercent of the checks of one monitor, or of every monitor carrying Tag, are up
/// over a rolling window of WindowDays days. Burn-rate alerts go to ChannelIds (Alert-Evaluation evaluates them).
public sealed class Slo
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public string Name { get; set; } = "";
    public Guid? MonitorId { get; set; }
    public string? Tag { get; set; }
    public double ObjectivePercent { get; set; }
    public int WindowDays { get; set; }
    public string BurnRateAlertsJson { get; set; } = "[]";
    public List<Guid> ChannelIds { get; set; } = [];
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<BurnRateAlert> BurnRateAlerts =>
        JsonSerializer.Deserialize<List<BurnRateAlert>>(BurnRateAlertsJson, JsonSerializerOptions.Web) ?? [];

    public static Slo Create(Guid tenantId, SloSpec spec, DateTimeOffset now)
    {
        var slo = new Slo { Id = Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = now };
        slo.Apply(spec, now);
        return slo;
    }

    public void Apply(SloSpec spec, DateTimeOffset now)
    {
        Name = spec.Name;
        MonitorId = spec.MonitorId;
        Tag = spec.Tag;
        ObjectivePercent = spec.ObjectivePercent;
        WindowDays = spec.WindowDays;
        BurnRateAlertsJson = JsonSerializer.Serialize(spec.BurnRateAlerts, JsonSerializerOptions.Web);
        ChannelIds = [.. spec.ChannelIds];
        Version++;
        UpdatedAt = now;
    }

    public SloUpserted ToUpserted(DateTimeOffset now) => new(Id, TenantId, Version, Name, MonitorId, Tag, ObjectivePercent,
        WindowDays, BurnRateAlerts.Select(a => new SloBurnRule(a.Threshold, a.LongWindowMinutes * 60, a.ShortWindowMinutes * 60)).ToList(),
        [.. ChannelIds], now);

    public SloDeleted ToDeleted(DateTimeOffset now) => new(Id, TenantId, Version + 1, now);

    internal static void Configure(ModelBuilder model) => model.Entity<Slo>(e =>
    {
        e.ToTable("slos");
        e.HasKey(s => s.Id);
        e.Property(s => s.Id).HasColumnName("id");
        e.Property(s => s.TenantId).HasColumnName("tenant_id");
        e.Property(s => s.Name).HasColumnName("name").HasMaxLength(200);
        e.Property(s => s.MonitorId).HasColumnName("monitor_id");
        e.Property(s => s.Tag).HasColumnName("tag").HasMaxLength(50);
        e.Property(s => s.ObjectivePercent).HasColumnName("objective_percent");
        e.Property(s => s.WindowDays).HasColumnName("window_days");
        e.Property(s => s.BurnRateAlertsJson).HasColumnName("burn_rate_alerts").HasColumnType("jsonb");
        e.Property(s => s.ChannelIds).HasColumnName("channel_ids");
        e.Property(s => s.Version).HasColumnName("version").IsConcurrencyToken();
        e.Property(s => s.CreatedAt).HasColumnName("created_at");
        e.Property(s => s.UpdatedAt).HasColumnName("updated_at");
        e.Ignore(s => s.BurnRateAlerts);
        e.HasIndex(s => new { s.TenantId, s.Id });
        e.HasIndex(s => s.ChannelIds).HasMethod("gin");
        e.HasOne<Tenants.Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    });
}

/// Fires when the budget burns faster than Threshold × the sustainable rate over both windows.
public sealed record BurnRateAlert(double Threshold, int LongWindowMinutes, int ShortWindowMinutes);

public sealed record BurnRateAlertRequest(double? Threshold = null, int? LongWindowMinutes = null, int? ShortWindowMinutes = null);

public sealed record SloRequest(
    string? Name = null, Guid? MonitorId = null, string? Tag = null, double? ObjectivePercent = null, int? WindowDays = null,
    List<BurnRateAlertRequest>? BurnRateAlerts = null, List<Guid>? ChannelIds = null);

public sealed partial record SloSpec(
    string Name, Guid? MonitorId, string? Tag, double ObjectivePercent, int WindowDays, IReadOnlyList<BurnRateAlert> BurnRateAlerts,
    IReadOnlyList<Guid> ChannelIds)
{
    public const int DefaultWindowDays = 30;

    /// The Google SRE workbook's page-worthy pair for a 30-day objective: 2 % of the budget in an hour (14.4×, checked
    /// over 1 h and 5 min) and 5 % in six hours (6×, over 6 h and 30 min).
    public static readonly IReadOnlyList<BurnRateAlert> DefaultBurnRateAlerts =
    [
        new(14.4, 60, 5),
        new(6, 360, 30),
    ];

    public static (SloSpec? Spec, Dictionary<string, string[]> Errors) Parse(SloRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) =>
            errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name))
            Fail("name", "Name is required.");
        else if (name.Length > 200)
            Fail("name", "Name must be at most 200 characters.");

        if ((r.MonitorId is null) == (r.Tag is null))
            Fail("monitorId", "Set exactly one of monitorId and tag.");
        else if (r.MonitorId == Guid.Empty)
            Fail("monitorId", "MonitorId must not be empty.");
        else if (r.Tag is { } tag && !TagPattern().IsMatch(tag))
            Fail("tag", $"Tag '{tag}' must be 1-50 characters of a-z, 0-9, '.', '_', ':' or '-'.");

        var objective = r.ObjectivePercent ?? 0;
        if (r.ObjectivePercent is null)
            Fail("objectivePercent", "ObjectivePercent is required, e.g. 99.9.");
        else if (!(objective > 0 && objective < 100) || double.IsNaN(objective))
            Fail("objectivePercent", "ObjectivePercent must be greater than 0 and less than 100.");

        var windowDays = r.WindowDays ?? DefaultWindowDays;
        if (windowDays is < 1 or > 365)
            Fail("windowDays", "WindowDays must be between 1 and 365.");

        var alerts = new List<BurnRateAlert>();
        if (r.BurnRateAlerts is null)
            alerts.AddRange(DefaultBurnRateAlerts);
        else if (r.BurnRateAlerts.Count > 4)
            Fail("burnRateAlerts", "At most 4 burn-rate alerts are allowed.");
        else
            for (var i = 0; i < r.BurnRateAlerts.Count; i++)
            {
                var a = r.BurnRateAlerts[i];
                var at = $"burnRateAlerts[{i}]";
                if (a is null)
                {
                    Fail(at, "A burn-rate alert must be an object.");
                    continue;
                }
                if (a.Threshold is not { } threshold || !(threshold > 0 && threshold <= 1000))
                    Fail($"{at}.threshold", "Threshold is required and must be greater than 0 and at most 1000.");
                if (a.LongWindowMinutes is not { } longMinutes || longMinutes < 2 || longMinutes > windowDays * 1440)
                    Fail($"{at}.longWindowMinutes", "LongWindowMinutes is required, at least 2 and at most the SLO window.");
                if (a.ShortWindowMinutes is not { } shortMinutes || shortMinutes < 1 || shortMinutes >= (a.LongWindowMinutes ?? 0))
                    Fail($"{at}.shortWindowMinutes", "ShortWindowMinutes is required, at least 1 and shorter than the long window.");
                if (!errors.Keys.Any(k => k.StartsWith(at, StringComparison.Ordinal)))
                    alerts.Add(new BurnRateAlert(a.Threshold!.Value, a.LongWindowMinutes!.Value, a.ShortWindowMinutes!.Value));
            }

        var channels = (r.ChannelIds ?? []).Distinct().ToList();
        if (channels.Count > 50)
            Fail("channelIds", "At most 50 channels are allowed.");
        return errors.Count > 0
            ? (null, errors)
            : (new SloSpec(name!, r.MonitorId, r.Tag, objective, windowDays, alerts, channels), errors);
    }

    [GeneratedRegex("^[a-z0-9._:-]{1,50}$")]
    private static partial Regex TagPattern();
}

public sealed record SloResponse(
    Guid Id, string Name, Guid? MonitorId, string? Tag, double ObjectivePercent, int WindowDays,
    IReadOnlyList<BurnRateAlert> BurnRateAlerts, IReadOnlyList<Guid> ChannelIds, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, SloStatus? Status = null)
{
    public static SloResponse From(Slo s, SloStatus? status = null) => new(s.Id, s.Name, s.MonitorId, s.Tag, s.ObjectivePercent,
        s.WindowDays, s.BurnRateAlerts, s.ChannelIds, s.CreatedAt, s.UpdatedAt, status);
}
