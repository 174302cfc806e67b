using System.Globalization;
using System.Text.RegularExpressions;

namespace Sentinel.Gateway.StatusPages;

public sealed record StatusPageGroupRequest(string? Name = null, List<Guid>? MonitorIds = null);

/// The body of POST and PUT. Every member is optional here; StatusPageSpec decides.
public sealed record StatusPageRequest(
    string? Slug = null,
    string? Title = null,
    string? Description = null,
    List<StatusPageGroupRequest>? Groups = null,
    string? CustomDomain = null,
    int? HistoryDays = null,
    bool? Public = null);

public sealed record StatusPageGroupView(string Name, IReadOnlyList<Guid> MonitorIds);

public sealed record StatusPageResponse(
    Guid Id,
    string Slug,
    string Title,
    string? Description,
    IReadOnlyList<StatusPageGroupView> Groups,
    string? CustomDomain,
    int HistoryDays,
    bool Public,
    string Url,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static StatusPageResponse From(StatusPage p) => new(
        p.Id, p.Slug, p.Title, p.Description, p.Groups.Select(g => new StatusPageGroupView(g.Name, g.MonitorIds)).ToList(),
        p.CustomDomain, p.HistoryDays, p.Public, $"/status/{p.Slug}", p.CreatedAt, p.UpdatedAt);
}

/// A validated status page. Slugs are lower-case URL segments; custom domains are lower-case host names.
public sealed partial record StatusPageSpec(
    string Slug, string Title, string? Description, IReadOnlyList<StatusPageGroup> Groups, string? CustomDomain,
    int HistoryDays, bool Public)
{
    public const int MaxSlugLength = 64;
    public const int MaxHistoryDays = 90;
    const int MaxGroups = 50;
    const int MaxMonitorsPerGroup = 200;

    public static (StatusPageSpec? Spec, Dictionary<string, string[]> Errors) Parse(StatusPageRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) =>
            errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        var slug = r.Slug?.Trim();
        if (string.IsNullOrEmpty(slug))
            Fail("slug", "Slug is required.");
        else if (slug.Length > MaxSlugLength || !SlugPattern().IsMatch(slug))
            Fail("slug", $"Slug must be 1-{MaxSlugLength} lower-case letters, digits and inner hyphens (e.g. acme-prod).");

        var title = r.Title?.Trim();
        if (string.IsNullOrEmpty(title))
            Fail("title", "Title is required.");
        else if (title.Length > 200)
            Fail("title", "Title must be at most 200 characters.");

        var description = string.IsNullOrWhiteSpace(r.Description) ? null : r.Description.Trim();
        if (description is { Length: > 2000 })
            Fail("description", "Description must be at most 2000 characters.");

        var groups = new List<StatusPageGroup>();
        var requested = r.Groups ?? [];
        if (requested.Count > MaxGroups)
            Fail("groups", $"A page has at most {MaxGroups} groups.");
        for (var i = 0; i < requested.Count && i < MaxGroups; i++)
        {
            var group = requested[i];
            var name = group?.Name?.Trim();
            if (string.IsNullOrEmpty(name))
                Fail($"groups[{i}].name", "Name is required.");
            else if (name.Length > 100)
                Fail($"groups[{i}].name", "Name must be at most 100 characters.");
            var ids = group?.MonitorIds ?? [];
            if (ids.Count == 0)
                Fail($"groups[{i}].monitorIds", "A group lists at least one monitor.");
            else if (ids.Count > MaxMonitorsPerGroup)
                Fail($"groups[{i}].monitorIds", $"A group lists at most {MaxMonitorsPerGroup} monitors.");
            else if (ids.Distinct().Count() != ids.Count)
                Fail($"groups[{i}].monitorIds", "A monitor appears twice in this group.");
            groups.Add(new StatusPageGroup(name ?? "", [.. ids]));
        }

        string? domain = null;
        if (!string.IsNullOrWhiteSpace(r.CustomDomain))
        {
            domain = r.CustomDomain.Trim().TrimEnd('.').ToLowerInvariant();
            if (domain.Length > 253 || !DomainPattern().IsMatch(domain))
                Fail("customDomain", "CustomDomain must be a host name such as status.example.com (no scheme, port or path).");
        }

        var historyDays = r.HistoryDays ?? MaxHistoryDays;
        if (historyDays is < 1 or > MaxHistoryDays)
            Fail("historyDays", string.Create(CultureInfo.InvariantCulture, $"HistoryDays must be between 1 and {MaxHistoryDays}."));

        return errors.Count > 0
            ? (null, errors)
            : (new StatusPageSpec(slug!, title!, description, groups, domain, historyDays, r.Public ?? true), errors);
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")]
    private static partial Regex DomainPattern();
}
