using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;
using Sentinel.Gateway.Incidents;
using Sentinel.Gateway.Stats;

namespace Sentinel.Gateway.StatusPages;

/// Public pages are read far more often than anything on them changes: each replica builds a page's snapshot at
/// most once per StatusPages:CacheSeconds (default 10) and every request in between, however many arrive at once,
/// shares that one build. Builds run in their own scope and with their own deadline, so a client hanging up
/// cancels nothing other waiters need, and a slow owner service costs at most StatusPages:OwnerTimeoutSeconds.
public sealed class StatusPageCache(
    IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<StatusPageCache> logger)
{
    readonly ConcurrentDictionary<string, (DateTimeOffset Until, Lazy<Task<StatusSnapshot?>> Build)> pages = new();
    readonly ConcurrentDictionary<string, (DateTimeOffset Until, string? Slug)> domains = new();

    TimeSpan Ttl => TimeSpan.FromSeconds(configuration.GetValue("StatusPages:CacheSeconds", 10));
    TimeSpan OwnerTimeout => TimeSpan.FromSeconds(configuration.GetValue("StatusPages:OwnerTimeoutSeconds", 3));

    public void Forget(string slug) => pages.TryRemove(slug, out _);

    public Task<StatusSnapshot?> GetAsync(string slug)
    {
        var now = clock.GetUtcNow();
        if (pages.Count > 10_000)
            foreach (var stale in pages.Where(p => p.Value.Until < now).Select(p => p.Key).ToList())
                pages.TryRemove(stale, out _);
        var entry = pages.AddOrUpdate(slug,
            _ => (now + Ttl, new Lazy<Task<StatusSnapshot?>>(() => BuildAsync(slug))),
            (_, old) => old.Until > now && !Failed(old.Build) ? old : (now + Ttl, new Lazy<Task<StatusSnapshot?>>(() => BuildAsync(slug))));
        return entry.Build.Value;
    }

    /// A failed build (the database was unreachable) is not kept: the next request tries again.
    static bool Failed(Lazy<Task<StatusSnapshot?>> build) => build.IsValueCreated && build.Value.IsFaulted;

    /// The slug of the page served at "/" for this host, if any.
    public async Task<string?> SlugForDomainAsync(string host, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        host = host.ToLowerInvariant();
        if (domains.TryGetValue(host, out var known) && known.Until > now)
            return known.Slug;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDb>();
        var slug = await db.StatusPages.AsNoTracking().Where(p => p.CustomDomain == host).Select(p => p.Slug).SingleOrDefaultAsync(ct);
        if (domains.Count > 10_000)
            domains.Clear();
        domains[host] = (now + Ttl, slug);
        return slug;
    }

    async Task<StatusSnapshot?> BuildAsync(string slug)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CatalogDb>();
        // Taken before the states are read: the page's live stream starts here, so a change that lands while the
        // snapshot is built or cached still reaches the browser.
        var lastEventId = services.GetRequiredService<Events.LiveEventBuffer>().LastId;
        var page = await db.StatusPages.AsNoTracking().SingleOrDefaultAsync(p => p.Slug == slug && p.Public);
        if (page is null)
            return null;

        var ids = page.MonitorIds.ToList();
        var monitors = await db.Monitors.AsNoTracking()
            .Where(m => m.TenantId == page.TenantId && ids.Contains(m.Id))
            .Select(m => new { m.Id, m.PublicId, m.Name, m.Status, m.Paused, m.Tags })
            .ToDictionaryAsync(m => m.Id);
        var now = clock.GetUtcNow();
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.TenantId == page.TenantId).ToListAsync();

        using var deadline = new CancellationTokenSource(OwnerTimeout, clock);
        var telemetry = services.GetRequiredService<ITelemetryStatsApi>();
        var alerting = services.GetRequiredService<IAlertEvaluationApi>();
        var history = monitors.Keys.ToDictionary(id => id, id => HistoryAsync(telemetry, page.TenantId, id, page.HistoryDays, now, deadline.Token));
        var incidents = IncidentsAsync(alerting, page.TenantId, deadline.Token);
        await Task.WhenAll(history.Values.Append<Task>(incidents));

        var tags = monitors.Values.SelectMany(m => m.Tags).ToHashSet();
        var maintenance = windows
            .Where(w => w.MonitorIds.Any(monitors.ContainsKey) || w.Tags.Any(tags.Contains))
            .Select(w => (w.Name, When: MaintenanceOccurrence.Next(w, now, TimeSpan.FromDays(7))))
            .Where(w => w.When is not null)
            .Select(w => new MaintenanceSnapshot(w.Name, w.When!.Value.Start, w.When.Value.End, w.When.Value.Start <= now))
            .OrderBy(w => w.StartsAt)
            .ToList();

        var groups = page.Groups.Select(g => new GroupSnapshot(g.Name, g.MonitorIds
            .Where(monitors.ContainsKey) // a monitor deleted since the page was saved just drops off
            .Select(id =>
            {
                var m = monitors[id];
                var days = history[id].Result;
                return new MonitorSnapshot(id, m.PublicId, m.Name, m.Paused ? MonitorStatuses.Paused : m.Status,
                    days is null ? null : UptimeDays.Overall(days), days);
            })
            .ToList())).ToList();

        var open = incidents.Result?
            .Where(i => monitors.ContainsKey(i.MonitorId))
            .Select(i => new IncidentSnapshot(monitors[i.MonitorId].PublicId, monitors[i.MonitorId].Name, i.Status, i.Error, i.OpenedAt))
            .OrderByDescending(i => i.OpenedAt)
            .ToList();

        return new StatusSnapshot(page.Id, page.TenantId, page.Slug, page.Title, page.Description, page.HistoryDays, groups,
            open, maintenance, history.Values.All(h => h.Result is not null), now, lastEventId);
    }

    async Task<IReadOnlyList<DaySnapshot>?> HistoryAsync(
        ITelemetryStatsApi telemetry, Guid tenantId, Guid monitorId, int days, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var stats = await telemetry.GetStats(tenantId, monitorId, "90d", "1d", ct);
            return UptimeDays.Fit((stats.Buckets ?? []).Select(b => (b.Start, b.Checks, b.UptimePercent, b.DowntimeSeconds)), now, days);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or Refit.ApiException or Refit.ApiRequestException)
        {
            // The page still renders, saying the history is unavailable: a status page must not fail with its sources.
            logger.LogWarning(e, "Uptime history of monitor {MonitorId} is unavailable for a status page", monitorId);
            return null;
        }
    }

    async Task<IReadOnlyList<IncidentView>?> IncidentsAsync(IAlertEvaluationApi alerting, Guid tenantId, CancellationToken ct)
    {
        try
        {
            var open = alerting.ListIncidents(tenantId, null, "open", 500, null, ct);
            var acknowledged = alerting.ListIncidents(tenantId, null, "acknowledged", 500, null, ct);
            await Task.WhenAll(open, acknowledged);
            return [.. open.Result.Items, .. acknowledged.Result.Items];
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or Refit.ApiException or Refit.ApiRequestException)
        {
            logger.LogWarning(e, "Open incidents of tenant {TenantId} are unavailable for a status page", tenantId);
            return null;
        }
    }
}
