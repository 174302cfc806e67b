using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;

namespace Sentinel.Gateway.EscalationPolicies;

/// Who is told when nobody acts: ordered levels, each "after N consecutive failures" or "after M minutes
/// unacknowledged", each with its channels. Monitors refer to a policy by id.
public sealed class EscalationPolicy
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public string Name { get; set; } = "";
    /// The levels as JSON: always read and replaced whole.
    public string LevelsJson { get; set; } = "[]";
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<EscalationLevelSpec> Levels =>
        JsonSerializer.Deserialize<List<EscalationLevelSpec>>(LevelsJson, JsonSerializerOptions.Web) ?? [];

    public static EscalationPolicy Create(Guid tenantId, EscalationPolicySpec spec, DateTimeOffset now)
    {
        var policy = new EscalationPolicy { Id = Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = now };
        policy.Apply(spec, now);
        return policy;
    }

    public void Apply(EscalationPolicySpec spec, DateTimeOffset now)
    {
        Name = spec.Name;
        LevelsJson = JsonSerializer.Serialize(spec.Levels, JsonSerializerOptions.Web);
        Version++;
        UpdatedAt = now;
    }

    public EscalationPolicyUpserted ToUpserted(DateTimeOffset now) => new(Id, TenantId, Version, Name, Levels, now);

    public EscalationPolicyDeleted ToDeleted(DateTimeOffset now) => new(Id, TenantId, Version + 1, now);

    internal static void Configure(ModelBuilder model) => model.Entity<EscalationPolicy>(e =>
    {
        e.ToTable("escalation_policies");
        e.HasKey(p => p.Id);
        e.Property(p => p.Id).HasColumnName("id");
        e.Property(p => p.TenantId).HasColumnName("tenant_id");
        e.Property(p => p.Name).HasColumnName("name").HasMaxLength(200);
        e.Property(p => p.LevelsJson).HasColumnName("levels").HasColumnType("jsonb");
        e.Property(p => p.Version).HasColumnName("version").IsConcurrencyToken();
        e.Property(p => p.CreatedAt).HasColumnName("created_at");
        e.Property(p => p.UpdatedAt).HasColumnName("updated_at");
        e.Ignore(p => p.Levels);
        e.HasIndex(p => new { p.TenantId, p.Id });
        e.HasOne<Tenants.Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
    });
}

public sealed record EscalationLevelRequest(int? AfterConsecutiveFailures = null, int? AfterMinutes = null, List<Guid>? ChannelIds = null);

public sealed record EscalationPolicyRequest(string? Name = null, List<EscalationLevelRequest>? Levels = null);

public sealed record EscalationPolicyResponse(
    Guid Id, string Name, IReadOnlyList<EscalationLevelSpec> Levels, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static EscalationPolicyResponse From(EscalationPolicy p) => new(p.Id, p.Name, p.Levels, p.CreatedAt, p.UpdatedAt);
}

public sealed record EscalationPolicySpec(string Name, IReadOnlyList<EscalationLevelSpec> Levels)
{
    const int MaxLevels = 20;

    /// Pure checks; whether the channels exist is the endpoint's question.
    public static (EscalationPolicySpec? Spec, Dictionary<string, string[]> Errors) Parse(EscalationPolicyRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) =>
            errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name))
            Fail("name", "Name is required.");
        else if (name.Length > 200)
            Fail("name", "Name must be at most 200 characters.");

        var levels = new List<EscalationLevelSpec>();
        if (r.Levels is null or { Count: 0 })
            Fail("levels", "At least one level is required.");
        else if (r.Levels.Count > MaxLevels)
            Fail("levels", $"At most {MaxLevels} levels are allowed.");
        else
            for (var i = 0; i < r.Levels.Count; i++)
            {
                var level = r.Levels[i];
                var at = $"levels[{i}]";
                if (level is null)
                {
                    Fail(at, "A level must be an object.");
                    continue;
                }
                if ((level.AfterConsecutiveFailures is null) == (level.AfterMinutes is null))
                    Fail(at, "A level needs exactly one of afterConsecutiveFailures or afterMinutes.");
                if (level.AfterConsecutiveFailures is < 1 or > 1000)
                    Fail($"{at}.afterConsecutiveFailures", "AfterConsecutiveFailures must be between 1 and 1000.");
                if (level.AfterMinutes is < 0 or > 10_080)
                    Fail($"{at}.afterMinutes", "AfterMinutes must be between 0 and 10080 (a week).");
                var channels = (level.ChannelIds ?? []).Distinct().ToList();
                if (channels.Count == 0)
                    Fail($"{at}.channelIds", "A level must notify at least one channel.");
                else if (channels.Count > 50)
                    Fail($"{at}.channelIds", "A level may notify at most 50 channels.");
                if (channels.Contains(Guid.Empty))
                    Fail($"{at}.channelIds", "Channel ids must not be empty.");
                levels.Add(new EscalationLevelSpec(level.AfterConsecutiveFailures, level.AfterMinutes, channels));
            }

        return errors.Count > 0 ? (null, errors) : (new EscalationPolicySpec(name!, levels), errors);
    }
}
