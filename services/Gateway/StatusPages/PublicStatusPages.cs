using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Events;

namespace Sentinel.Gateway.StatusPages;

/// The public side of status pages, no API key: /status/{slug} (HTML), /status/{slug}.json, /status/{slug}/events
/// (the page's monitors' status changes as Server-Sent Events) and "/" on a page's custom domain.
public static class PublicStatusPages
{
    const string JsonSuffix = ".json";

    /// Rate limited per source address ("public-pages"): anyone may ask, nobody may flood.
    public static void MapPublicStatusPages(this WebApplication app)
    {
        app.MapGet("/status/{slug}", Page).RequireRateLimiting(RateLimits.PublicPagesPolicy);
        app.MapGet("/status/{slug}/events", Events).RequireRateLimiting(RateLimits.PublicPagesPolicy)
            .Produces(StatusCodes.Status200OK, contentType: ServerSentEvents.ContentType);
        app.MapGet("/", CustomDomain).RequireRateLimiting(RateLimits.PublicPagesPolicy);
    }

    /// One route for both forms: "{slug}.json" as a separate template would compete with "{slug}" for the same URLs.
    static async Task<IResult> Page(string slug, HttpContext http, StatusPageCache cache)
    {
        var json = slug.EndsWith(JsonSuffix, StringComparison.Ordinal);
        var snapshot = await cache.GetAsync(json ? slug[..^JsonSuffix.Length] : slug);
        if (snapshot is null)
            return NotFound(slug);
        SetCaching(http);
        if (!json)
            return Html(http, snapshot);
        http.Response.Headers.AccessControlAllowOrigin = "*"; // public data: any site may show it
        return TypedResults.Json(StatusPageJson.From(snapshot));
    }

    static async Task<IResult> CustomDomain(HttpContext http, StatusPageCache cache)
    {
        if (await cache.SlugForDomainAsync(http.Request.Host.Host, http.RequestAborted) is not { } slug
            || await cache.GetAsync(slug) is not { } snapshot)
            return TypedResults.NotFound();
        SetCaching(http);
        return Html(http, snapshot);
    }

    /// `after`: the event id the page was rendered at (the page's script passes it), so nothing between the
    /// (cached) render and the connection is lost.
    static async Task<IResult> Events(
        string slug, string? after, HttpContext http, StatusPageCache cache, LiveEventBuffer buffer, TimeProvider clock, IConfiguration configuration)
    {
        if (await cache.GetAsync(slug) is not { } snapshot)
            return NotFound(slug);
        var publicIds = snapshot.Monitors.DistinctBy(m => m.MonitorId).ToDictionary(m => m.MonitorId, m => m.PublicId); // a monitor may sit in two groups
        var subscription = new LiveSubscription(snapshot.TenantId, new HashSet<string> { LiveEventTypes.MonitorStatus })
        {
            MonitorIds = publicIds.Keys.ToHashSet(),
        };
        var heartbeat = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Events:HeartbeatSeconds", 15)));
        // Only what the page shows anyway: the public id and the new status, never errors or internal ids.
        await ServerSentEvents.StreamAsync(http, buffer, subscription,
            e => ("status", JsonSerializer.Serialize(new PublicStatusEvent(publicIds[e.MonitorId], e.Status!, e.ReceivedAt), Json)),
            null, heartbeat, clock, after);
        return Results.Empty;
    }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static ContentHttpResult Html(HttpContext http, StatusSnapshot snapshot)
    {
        http.Response.Headers.ContentSecurityPolicy = StatusPageHtml.ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Content(StatusPageHtml.Render(snapshot), "text/html; charset=utf-8");
    }

    static void SetCaching(HttpContext http) => http.Response.Headers.CacheControl = "public, max-age=10";

    static ProblemHttpResult NotFound(string slug) =>
        TypedResults.Problem($"No status page '{slug}' exists.", statusCode: StatusCodes.Status404NotFound,
            title: "Not found.", type: Problems.NotFoundType);
}

public sealed record PublicStatusEvent(string Monitor, string Status, DateTimeOffset At);

public sealed record StatusPageJson(
    string Slug, string Title, string? Description, string Status, DateTimeOffset UpdatedAt, int HistoryDays, bool HistoryAvailable,
    IReadOnlyList<StatusPageJson.Group> Groups, IReadOnlyList<StatusPageJson.Incident>? Incidents,
    IReadOnlyList<StatusPageJson.Maintenance> MaintenanceWindows)
{
    public sealed record Group(string Name, IReadOnlyList<Monitor> Monitors);

    /// Id is the monitor's public id (the one badges use), never the internal one.
    public sealed record Monitor(string Id, string Name, string Status, double? UptimePercent, IReadOnlyList<Day>? Days);

    public sealed record Day(DateOnly Date, long Checks, double? UptimePercent, double DowntimeSeconds);

    public sealed record Incident(string MonitorId, string MonitorName, string Status, string? Error, DateTimeOffset OpenedAt);

    public sealed record Maintenance(string Name, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Active);

    public static StatusPageJson From(StatusSnapshot s) => new(
        s.Slug, s.Title, s.Description, s.Overall, s.GeneratedAt, s.HistoryDays, s.HistoryAvailable,
        s.Groups.Select(g => new Group(g.Name, g.Monitors.Select(m => new Monitor(m.PublicId, m.Name, m.Status, m.UptimePercent,
            m.Days?.Select(d => new Day(d.Date, d.Checks, d.UptimePercent, d.DowntimeSeconds)).ToList())).ToList())).ToList(),
        s.Incidents?.Select(i => new Incident(i.MonitorPublicId, i.MonitorName, i.Status, i.Error, i.OpenedAt)).ToList(),
        s.Maintenance.Select(m => new Maintenance(m.Name, m.StartsAt, m.EndsAt, m.Active)).ToList());
}
