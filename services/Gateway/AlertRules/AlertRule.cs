using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;

namespace Sentinel.Gateway.AlertRules;

/// "Alert me if X is down N times": over the monitors named or carrying one of the tags, notify these channels once
/// when the consecutive failure count reaches N, again only after recovery, at most MaxAlertsPerHour an hour.
public sealed class AlertRule
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public string Name { get; set; } = "";
    public List<Guid> MonitorIds { get; set; } = [];
    public List<string> Tags { get; set; } = [];
    public int ConsecutiveFailures { get; set; }
    public List<Guid> ChannelIds { get; set; } = [];
    public int MaxAlertsPerHour { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static AlertRule Create(Guid tenantId, AlertRuleSpec spec, DateTimeOffset now)
    {
        var rule = new AlertRule { Id = Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = now };
        rule.Apply(spec, now);
        return rule;
    }

    public void Apply(AlertRuleSpec spec, DateTimeOffset now)
    {
        Name = spec.Name;
        MonitorIds = [.. spec.MonitorIds];
        Tags = [.. spec.Tags];
        ConsecutiveFailures = spec.ConsecutiveFailures;
        ChannelIds = [.. spec.ChannelIds];
        MaxAlertsPerHour = spec.MaxAlertsPerHour;
        Version++;
        UpdatedAt = now;
    }

    public AlertRuleUpserted ToUpserted(DateTimeOffset now) =>
        new(Id, TenantId, Version, Name, [.. MonitorIds], [.. Tags], ConsecutiveFailures, [.. ChannelIds], MaxAlertsPerHour, now);

    public AlertRuleDeleted ToDeleted(DateTimeOffset now) => new(Id, TenantId, Version + 1, now);

    internal static void Configure(ModelBuilder model) => model.Entity<AlertRule>(e =>
    {
        e.ToTable("alert_rules");
        e.HasKey(r => r.Id);
        e.Property(r => r.Id).HasColumnName("id");
        e.Property(r => r.TenantId).HasColumnName("tenant_id");
        e.Property(r => r.Name).HasColumnName("name").HasMaxLength(200);
        e.Property(r => r.MonitorIds).HasColumnName("monitor_ids");
        e.Property(r => r.Tags).HasColumnName("tags");
        e.Property(r => r.ConsecutiveFailures).HasColumnName("consecutive_failures");
        e.Property(r => r.ChannelIds).HasColumnName("channel_ids");
        e.Property(r => r.MaxAlertsPerHour).HasColumnName("max_alerts_per_hour");
        e.Property(r => r.Version).HasColumnName("version").IsConcurrencyToken();
        e.Property(r => r.CreatedAt).HasColumnName("created_at");
        e.Property(r => r.UpdatedAt).HasColumnName("updated_at");
        e.HasIndex(r => new { r.TenantId, r.Id });
        e.HasOne<Tenants.Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Cascade);
    });
}

public sealed record AlertRuleRequest(
    string? Name = null, List<Guid>? MonitorIds = null, List<string>? Tags = null, int? ConsecutiveFailures = null,
    List<Guid>? ChannelIds = null, int? MaxAlertsPerHour = null);

public sealed record AlertRuleResponse(
    Guid Id, string Name, IReadOnlyList<Guid> MonitorIds, IReadOnlyList<string> Tags, int ConsecutiveFailures,
    IReadOnlyList<Guid> ChannelIds, int MaxAlertsPerHour, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static AlertRuleResponse From(AlertRule r) =>
        new(r.Id, r.Name, r.MonitorIds, r.Tags, r.ConsecutiveFailures, r.ChannelIds, r.MaxAlertsPerHour, r.CreatedAt, r.UpdatedAt);
}

public sealed partial record AlertRuleSpec(
    string Name, IReadOnlyList<Guid> MonitorIds, IReadOnlyList<string> Tags, int ConsecutiveFailures,
    IReadOnlyList<Guid> ChannelIds, int MaxAlertsPerHour)
{
    /// The seed design's default: at most one alert per hour per rule.
    public const int DefaultMaxAlertsPerHour = 1;

    public static (AlertRuleSpec? Spec, Dictionary<string, string[]> Errors) Parse(AlertRuleRequest r)
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
        var failures = r.ConsecutiveFailures ?? 0;
        if (failures is < 1 or > 1000)
            Fail("consecutiveFailures", "ConsecutiveFailures is required and must be between 1 and 1000.");
        var channels = (r.ChannelIds ?? []).Distinct().ToList();
        if (channels.Count == 0)
            Fail("channelIds", "A rule must notify at least one channel.");
        else if (channels.Count > 50)
            Fail("channelIds", "At most 50 channels are allowed.");
        var max = r.MaxAlertsPerHour ?? DefaultMaxAlertsPerHour;
        if (max is < 1 or > 3600)
            Fail("maxAlertsPerHour", "MaxAlertsPerHour must be between 1 and 3600.");
        return errors.Count > 0 ? (null, errors) : (new AlertRuleSpec(name!, monitorIds, tags, failures, channels, max), errors);
    }
}

/// Which monitors a rule or maintenance window covers: named ones, tagged ones, or both (at least one of them).
public static partial class Selection
{
    public static (List<Guid> MonitorIds, List<string> Tags) Parse(List<Guid>? monitorIds, List<string>? tags, Action<string, string> fail)
    {
        var ids = (monitorIds ?? []).Distinct().ToList();
        var tagList = (tags ?? []).Distinct().ToList();
        if (ids.Count == 0 && tagList.Count == 0)
            fail("monitorIds", "Name at least one monitor id or tag.");
        if (ids.Count > 500)
            fail("monitorIds", "At most 500 monitor ids are allowed.");
        if (ids.Contains(Guid.Empty))
            fail("monitorIds", "Monitor ids must not be empty.");
        if (tagList.Count > 20)
            fail("tags", "At most 20 tags are allowed.");
        foreach (var tag in tagList)
            if (tag is null || !TagPattern().IsMatch(tag))
                fail("tags", $"Tag '{tag}' must be 1-50 characters of a-z, 0-9, '.', '_', ':' or '-'.");
        return (ids, tagList);
    }

    [GeneratedRegex("^[a-z0-9._:-]{1,50}$")]
    private static partial Regex TagPattern();
}
