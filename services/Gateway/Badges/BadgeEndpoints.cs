using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Sentinel.Contracts;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Stats;

namespace Sentinel.Gateway.Badges;

/// Public SVG badges by a monitor's public id, no API key: status, uptime and average response time over a
/// window. Cached by clients and proxies for a minute, and in memory here for as long, so embedding a badge in a
/// busy README costs Telemetry-Ingest one request per minute per badge.
public static class BadgeEndpoints
{
    static readonly string[] Windows = ["24h", "7d", "30d"];
    static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    /// Rate limited per source address ("public-pages"), like every page without a key.
    public static void MapBadges(this WebApplication app)
    {
        app.MapGet("/badge/{publicId}/status.svg", Status).RequireRateLimiting(RateLimits.PublicPagesPolicy);
        app.MapGet("/badge/{publicId}/uptime.svg", Uptime).RequireRateLimiting(RateLimits.PublicPagesPolicy);
        app.MapGet("/badge/{publicId}/response-time.svg", ResponseTime).RequireRateLimiting(RateLimits.PublicPagesPolicy);
    }

    static async Task<IResult> Status(string publicId, HttpContext http, CatalogDb db)
    {
        if (await FindAsync(db, publicId, http.RequestAborted) is not { } monitor)
            return Svg(http, BadgeSvg.Render("status", "not found", BadgeSvg.Grey), StatusCodes.Status404NotFound);
        var status = monitor.Paused ? MonitorStatuses.Paused : monitor.Status;
        var (value, color) = status switch
        {
            MonitorStatuses.Up => ("up", BadgeSvg.Green),
            MonitorStatuses.Down => ("down", BadgeSvg.Red),
            MonitorStatuses.Paused => ("paused", BadgeSvg.Grey),
            _ => ("pending", BadgeSvg.Grey),
        };
        return Svg(http, BadgeSvg.Render("status", value, color));
    }

    static Task<IResult> Uptime(string publicId, string? window, HttpContext http, CatalogDb db, ITelemetryStatsApi telemetry,
        IMemoryCache cache, ILoggerFactory logs) =>
        StatsBadgeAsync(publicId, window, "uptime", http, db, telemetry, cache, logs, stats => stats.UptimePercent is { } percent
            ? (BadgeSvg.Percent(percent), BadgeSvg.UptimeColor(percent))
            : ("no data", BadgeSvg.Grey));

    static Task<IResult> ResponseTime(string publicId, string? window, HttpContext http, CatalogDb db, ITelemetryStatsApi telemetry,
        IMemoryCache cache, ILoggerFactory logs) =>
        StatsBadgeAsync(publicId, window, "response time", http, db, telemetry, cache, logs, stats => stats.Latency is { } latency
            ? (BadgeSvg.Milliseconds(latency.AvgMs), BadgeSvg.LatencyColor(latency.AvgMs))
            : ("no data", BadgeSvg.Grey));

    static async Task<IResult> StatsBadgeAsync(
        string publicId, string? window, string label, HttpContext http, CatalogDb db, ITelemetryStatsApi telemetry,
        IMemoryCache cache, ILoggerFactory logs, Func<MonitorStatsView, (string Value, string Color)> show)
    {
        window ??= "24h";
        if (!Windows.Contains(window))
            return Problems.Validation("window", $"Window must be one of {string.Join(", ", Windows)}.");
        label = $"{label} {window}";
        if (await FindAsync(db, publicId, http.RequestAborted) is not { } monitor)
            return Svg(http, BadgeSvg.Render(label, "not found", BadgeSvg.Grey), StatusCodes.Status404NotFound);

        var key = $"badge-stats:{monitor.Id}:{window}";
        if (!cache.TryGetValue(key, out MonitorStatsView? stats))
        {
            try
            {
                stats = await telemetry.GetStats(monitor.TenantId, monitor.Id, window, null, http.RequestAborted);
                cache.Set(key, stats, Lifetime);
            }
            catch (Exception e) when (e is HttpRequestException or Refit.ApiException or Refit.ApiRequestException
                                       || (e is OperationCanceledException && !http.RequestAborted.IsCancellationRequested))
            {
                // A badge is an image in someone's README: it degrades to grey rather than breaking.
                logs.CreateLogger(typeof(BadgeEndpoints)).LogWarning(e, "Stats of monitor {MonitorId} are unavailable for a badge", monitor.Id);
                return Svg(http, BadgeSvg.Render(label, "unavailable", BadgeSvg.Grey), maxAgeSeconds: 10);
            }
        }
        var (value, color) = show(stats!);
        return Svg(http, BadgeSvg.Render(label, value, color));
    }

    sealed record BadgeMonitor(Guid Id, Guid TenantId, string Status, bool Paused);

    static async Task<BadgeMonitor?> FindAsync(CatalogDb db, string publicId, CancellationToken ct)
    {
        if (publicId.Length != 32 || !publicId.All(char.IsAsciiHexDigitLower))
            return null; // not an id this service issues: no query
        return await db.Monitors.AsNoTracking().Where(m => m.PublicId == publicId)
            .Select(m => new BadgeMonitor(m.Id, m.TenantId, m.Status, m.Paused)).SingleOrDefaultAsync(ct);
    }

    static IResult Svg(HttpContext http, string svg, int statusCode = StatusCodes.Status200OK, int maxAgeSeconds = 60)
    {
        var bytes = Encoding.UTF8.GetBytes(svg);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"";
        var headers = http.Response.Headers;
        headers.CacheControl = $"public, max-age={maxAgeSeconds}";
        headers.ETag = etag;
        headers.XContentTypeOptions = "nosniff";
        if (statusCode == StatusCodes.Status200OK && http.Request.Headers.IfNoneMatch == etag)
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Text(svg, "image/svg+xml; charset=utf-8", Encoding.UTF8, statusCode);
    }
}
