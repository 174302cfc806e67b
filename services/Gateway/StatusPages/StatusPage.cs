using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Sentinel.Gateway.StatusPages;

/// A public page over chosen monitors in named groups, served at /status/{Slug} (and at / for its CustomDomain).
/// It shows HistoryDays days of daily uptime. A page that is not Public answers 404 on its public URLs.
public sealed class StatusPage
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public List<StatusPageGroup> Groups { get; set; } = [];
    /// Lower-case host name; requests whose Host header is this name get the page at "/".
    public string? CustomDomain { get; set; }
    public int HistoryDays { get; set; }
    public bool Public { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IEnumerable<Guid> MonitorIds => Groups.SelectMany(g => g.MonitorIds).Distinct();

    public static StatusPage Create(Guid tenantId, StatusPageSpec spec, DateTimeOffset now)
    {
        var page = new StatusPage { Id = Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = now };
        page.Apply(spec, now);
        return page;
    }

    public void Apply(StatusPageSpec spec, DateTimeOffset now)
    {
        Slug = spec.Slug;
        Title = spec.Title;
        Description = spec.Description;
        Groups = [.. spec.Groups];
        CustomDomain = spec.CustomDomain;
        HistoryDays = spec.HistoryDays;
        Public = spec.Public;
        Version++;
        UpdatedAt = now;
    }

    internal static void Configure(ModelBuilder model) => model.Entity<StatusPage>(e =>
    {
        e.ToTable("status_pages");
        e.HasKey(p => p.Id);
        e.Property(p => p.Id).HasColumnName("id");
        e.Property(p => p.TenantId).HasColumnName("tenant_id");
        e.Property(p => p.Slug).HasColumnName("slug").HasMaxLength(StatusPageSpec.MaxSlugLength);
        e.Property(p => p.Title).HasColumnName("title").HasMaxLength(200);
        e.Property(p => p.Description).HasColumnName("description").HasMaxLength(2000);
        e.Property(p => p.Groups).HasColumnName("groups").HasColumnType("jsonb")
            .HasConversion(GroupsJson.Converter, GroupsJson.Comparer);
        e.Property(p => p.CustomDomain).HasColumnName("custom_domain").HasMaxLength(253);
        e.Property(p => p.HistoryDays).HasColumnName("history_days");
        e.Property(p => p.Public).HasColumnName("public");
        e.Property(p => p.Version).HasColumnName("version").IsConcurrencyToken();
        e.Property(p => p.CreatedAt).HasColumnName("created_at");
        e.Property(p => p.UpdatedAt).HasColumnName("updated_at");
        // Slugs and domains are global: they are URLs on one shared host.
        e.HasIndex(p => p.Slug).IsUnique();
        e.HasIndex(p => p.CustomDomain).IsUnique().HasFilter("custom_domain is not null");
        e.HasIndex(p => new { p.TenantId, p.Id });
        e.HasOne<Tenants.Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
    });

    static class GroupsJson
    {
        static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

        public static readonly ValueConverter<List<StatusPageGroup>, string> Converter = new(
            v => JsonSerializer.Serialize(v, Options),
            v => JsonSerializer.Deserialize<List<StatusPageGroup>>(v, Options) ?? new List<StatusPageGroup>());

        public static readonly ValueComparer<List<StatusPageGroup>> Comparer = new(
            (a, b) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options),
            v => JsonSerializer.Serialize(v, Options).GetHashCode(),
            v => JsonSerializer.Deserialize<List<StatusPageGroup>>(JsonSerializer.Serialize(v, Options), Options)!);
    }
}

public sealed record StatusPageGroup(string Name, IReadOnlyList<Guid> MonitorIds);
