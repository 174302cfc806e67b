using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Slos;

/// Alert-Evaluation's copy of an SLO (from SloUpserted/SloDeleted, version-checked; deletes leave a tombstone) and
/// the state of its burn-rate alert: AlertId is set while one is open.
public sealed class SloCopy
{
    public Guid SloId { get; init; }
    public Guid TenantId { get; init; }
    public long Version { get; private set; }
    public bool Deleted { get; private set; }
    public string Name { get; private set; } = "";
    public Guid? MonitorId { get; private set; }
    public string? Tag { get; private set; }
    public double ObjectivePercent { get; private set; }
    public int WindowDays { get; private set; }
    public string BurnRulesJson { get; private set; } = "[]";
    public List<Guid> ChannelIds { get; private set; } = [];

    public Guid? AlertId { get; private set; }
    public DateTimeOffset? AlertOpenedAt { get; private set; }
    public string? AlertDetail { get; private set; }
    public DateTimeOffset? LastEvaluatedAt { get; set; }

    public IReadOnlyList<SloBurnRule> BurnRules =>
        JsonSerializer.Deserialize<List<SloBurnRule>>(BurnRulesJson, JsonSerializerOptions.Web) ?? [];

    public void Apply(SloUpserted e)
    {
        Version = e.Version;
        Name = e.Name;
        MonitorId = e.MonitorId;
        Tag = e.Tag;
        ObjectivePercent = e.ObjectivePercent;
        WindowDays = e.WindowDays;
        BurnRulesJson = JsonSerializer.Serialize(e.BurnRules, JsonSerializerOptions.Web);
        ChannelIds = [.. e.ChannelIds];
    }

    /// A deleted SLO's open alert ends silently: nobody is left to be told about an objective that no longer exists.
    public void MarkDeleted(long version)
    {
        Version = version;
        Deleted = true;
        AlertId = null;
        AlertOpenedAt = null;
        AlertDetail = null;
    }

    /// Opens the alert when a rule fires and none is open, resolves it when no rule fires; otherwise nothing.
    public SloAlertChange? Step(IReadOnlyList<FiringRule> firing, DateTimeOffset now)
    {
        if (firing.Count > 0 && AlertId is null)
        {
            AlertId = DeterministicGuid.Create("slo-alert", SloId, now);
            AlertOpenedAt = now;
            AlertDetail = BurnRateAlerting.Describe(firing);
            return new SloAlertChange(SloNotificationEvents.Burning, AlertId.Value, now, AlertDetail);
        }
        if (firing.Count == 0 && AlertId is { } open)
        {
            var change = new SloAlertChange(SloNotificationEvents.Recovered, open, AlertOpenedAt!.Value, AlertDetail);
            AlertId = null;
            AlertOpenedAt = null;
            AlertDetail = null;
            return change;
        }
        return null;
    }

    internal static void Configure(EntityTypeBuilder<SloCopy> e)
    {
        e.ToTable("slos");
        e.HasKey(s => s.SloId);
        e.Property(s => s.SloId).HasColumnName("slo_id");
        e.Property(s => s.TenantId).HasColumnName("tenant_id");
        e.Property(s => s.Version).HasColumnName("version");
        e.Property(s => s.Deleted).HasColumnName("deleted");
        e.Property(s => s.Name).HasColumnName("name");
        e.Property(s => s.MonitorId).HasColumnName("monitor_id");
        e.Property(s => s.Tag).HasColumnName("tag");
        e.Property(s => s.ObjectivePercent).HasColumnName("objective_percent");
        e.Property(s => s.WindowDays).HasColumnName("window_days");
        e.Property(s => s.BurnRulesJson).HasColumnName("burn_rules").HasColumnType("jsonb");
        e.Property(s => s.ChannelIds).HasColumnName("channel_ids");
        e.Property(s => s.AlertId).HasColumnName("alert_id");
        e.Property(s => s.AlertOpenedAt).HasColumnName("alert_opened_at");
        e.Property(s => s.AlertDetail).HasColumnName("alert_detail");
        e.Property(s => s.LastEvaluatedAt).HasColumnName("last_evaluated_at");
        e.Ignore(s => s.BurnRules);
        e.HasIndex(s => s.TenantId);
    }
}

/// What a step did: Event is SloNotificationEvents.Burning or .Recovered.
public sealed record SloAlertChange(string Event, Guid AlertId, DateTimeOffset OpenedAt, string? Detail);

public sealed class SloUpsertedConsumer(AlertingDb db) : IConsumer<SloUpserted>
{
    public async Task Consume(ConsumeContext<SloUpserted> context)
    {
        var e = context.Message;
        var copy = await db.Slos.FindAsync([e.SloId], context.CancellationToken);
        if (copy is null)
        {
            copy = new SloCopy { SloId = e.SloId, TenantId = e.TenantId };
            copy.Apply(e);
            db.Slos.Add(copy);
        }
        else if (!copy.Deleted && e.Version > copy.Version)
            copy.Apply(e);
        else
            return; // an older or repeated version, or a late upsert of a deleted SLO
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

public sealed class SloDeletedConsumer(AlertingDb db) : IConsumer<SloDeleted>
{
    public async Task Consume(ConsumeContext<SloDeleted> context)
    {
        var e = context.Message;
        var copy = await db.Slos.FindAsync([e.SloId], context.CancellationToken);
        if (copy is null)
        {
            copy = new SloCopy { SloId = e.SloId, TenantId = e.TenantId };
            db.Slos.Add(copy);
        }
        else if (e.Version <= copy.Version)
            return;
        copy.MarkDeleted(e.Version);
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
