using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Rules;

/// Alert-Evaluation's copy of an alert rule ("alert me if X is down N times").
public sealed class AlertRuleCopy
{
    public Guid RuleId { get; init; }
    public Guid TenantId { get; init; }
    public long Version { get; private set; }
    public bool Deleted { get; private set; }
    public string Name { get; private set; } = "";
    public List<Guid> MonitorIds { get; private set; } = [];
    public List<string> Tags { get; private set; } = [];
    public int ConsecutiveFailures { get; private set; } = 1;
    public List<Guid> ChannelIds { get; private set; } = [];
    public int MaxAlertsPerHour { get; private set; } = 1;

    public void Apply(AlertRuleUpserted e)
    {
        Version = e.Version;
        Name = e.Name;
        MonitorIds = [.. e.MonitorIds];
        Tags = [.. e.Tags];
        ConsecutiveFailures = e.ConsecutiveFailures;
        ChannelIds = [.. e.ChannelIds];
        MaxAlertsPerHour = e.MaxAlertsPerHour;
    }

    public void MarkDeleted(long version)
    {
        Version = version;
        Deleted = true;
    }

    internal static void Configure(EntityTypeBuilder<AlertRuleCopy> e)
    {
        e.ToTable("alert_rules");
        e.HasKey(r => r.RuleId);
        e.Property(r => r.RuleId).HasColumnName("rule_id");
        e.Property(r => r.TenantId).HasColumnName("tenant_id");
        e.Property(r => r.Version).HasColumnName("version");
        e.Property(r => r.Deleted).HasColumnName("deleted");
        e.Property(r => r.Name).HasColumnName("name");
        e.Property(r => r.MonitorIds).HasColumnName("monitor_ids");
        e.Property(r => r.Tags).HasColumnName("tags");
        e.Property(r => r.ConsecutiveFailures).HasColumnName("consecutive_failures");
        e.Property(r => r.ChannelIds).HasColumnName("channel_ids");
        e.Property(r => r.MaxAlertsPerHour).HasColumnName("max_alerts_per_hour");
        e.HasIndex(r => r.TenantId);
    }
}

public sealed class AlertRuleUpsertedConsumer(AlertingDb db) : IConsumer<AlertRuleUpserted>
{
    public async Task Consume(ConsumeContext<AlertRuleUpserted> context)
    {
        var e = context.Message;
        var copy = await db.AlertRules.FindAsync([e.RuleId], context.CancellationToken);
        if (copy is null)
        {
            copy = new AlertRuleCopy { RuleId = e.RuleId, TenantId = e.TenantId };
            copy.Apply(e);
            db.AlertRules.Add(copy);
        }
        else if (!copy.Deleted && e.Version > copy.Version)
            copy.Apply(e);
        else
            return;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

public sealed class AlertRuleDeletedConsumer(AlertingDb db) : IConsumer<AlertRuleDeleted>
{
    public async Task Consume(ConsumeContext<AlertRuleDeleted> context)
    {
        var e = context.Message;
        var copy = await db.AlertRules.FindAsync([e.RuleId], context.CancellationToken);
        if (copy is null)
        {
            copy = new AlertRuleCopy { RuleId = e.RuleId, TenantId = e.TenantId };
            db.AlertRules.Add(copy);
        }
        else if (e.Version <= copy.Version)
            return;
        copy.MarkDeleted(e.Version);
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
