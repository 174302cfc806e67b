using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Escalation;

/// Alert-Evaluation's copy of an escalation policy: its ordered levels, kept from the Gateway's catalog events.
public sealed class EscalationPolicyCopy
{
    public Guid PolicyId { get; init; }
    public Guid TenantId { get; init; }
    public long Version { get; private set; }
    public bool Deleted { get; private set; }
    public string Name { get; private set; } = "";
    /// The levels as JSON: they are always read and replaced whole.
    public string LevelsJson { get; private set; } = "[]";

    public IReadOnlyList<EscalationLevelSpec> Levels =>
        JsonSerializer.Deserialize<List<EscalationLevelSpec>>(LevelsJson, JsonSerializerOptions.Web) ?? [];

    public void Apply(EscalationPolicyUpserted e)
    {
        Version = e.Version;
        Name = e.Name;
        LevelsJson = JsonSerializer.Serialize(e.Levels, JsonSerializerOptions.Web);
    }

    public void MarkDeleted(long version)
    {
        Version = version;
        Deleted = true;
    }

    internal static void Configure(EntityTypeBuilder<EscalationPolicyCopy> e)
    {
        e.ToTable("escalation_policies");
        e.HasKey(p => p.PolicyId);
        e.Property(p => p.PolicyId).HasColumnName("policy_id");
        e.Property(p => p.TenantId).HasColumnName("tenant_id");
        e.Property(p => p.Version).HasColumnName("version");
        e.Property(p => p.Deleted).HasColumnName("deleted");
        e.Property(p => p.Name).HasColumnName("name");
        e.Property(p => p.LevelsJson).HasColumnName("levels").HasColumnType("jsonb");
        e.Ignore(p => p.Levels);
    }
}

/// Version-checked copy: a redelivered or late (older) event changes nothing and a deleted policy stays deleted.
public sealed class EscalationPolicyUpsertedConsumer(AlertingDb db) : IConsumer<EscalationPolicyUpserted>
{
    public async Task Consume(ConsumeContext<EscalationPolicyUpserted> context)
    {
        var e = context.Message;
        var copy = await db.EscalationPolicies.FindAsync([e.PolicyId], context.CancellationToken);
        if (copy is null)
        {
            copy = new EscalationPolicyCopy { PolicyId = e.PolicyId, TenantId = e.TenantId };
            copy.Apply(e);
            db.EscalationPolicies.Add(copy);
        }
        else if (!copy.Deleted && e.Version > copy.Version)
            copy.Apply(e);
        else
            return;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

public sealed class EscalationPolicyDeletedConsumer(AlertingDb db) : IConsumer<EscalationPolicyDeleted>
{
    public async Task Consume(ConsumeContext<EscalationPolicyDeleted> context)
    {
        var e = context.Message;
        var copy = await db.EscalationPolicies.FindAsync([e.PolicyId], context.CancellationToken);
        if (copy is null)
        {
            copy = new EscalationPolicyCopy { PolicyId = e.PolicyId, TenantId = e.TenantId };
            db.EscalationPolicies.Add(copy);
        }
        else if (e.Version <= copy.Version)
            return;
        copy.MarkDeleted(e.Version);
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
