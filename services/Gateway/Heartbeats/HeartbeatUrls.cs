using Microsoft.EntityFrameworkCore;

namespace Sentinel.Gateway.Heartbeats;

/// Every URL a job can ping a heartbeat monitor with. ExitStatus holds the literal `{exitStatus}` to fill in
/// (0 success, 1-255 failure); Slug is set when the monitor has a slug and the tenant has a ping key.
public sealed record HeartbeatUrls(
    string Ping, string Start, string Fail, string Log, string ExitStatus, string UptimeKumaPush, string? Slug)
{
    public static HeartbeatUrls For(string token, string? slug, PingLinks? links)
    {
        var root = links?.BaseUrl ?? "";
        var ping = $"{root}/ping/{token}";
        return new HeartbeatUrls(ping, $"{ping}/start", $"{ping}/fail", $"{ping}/log", $"{ping}/{{exitStatus}}",
            $"{root}/api/push/{token}?status=up&msg=OK&ping=",
            slug is not null && links?.PingKey is { } key ? $"{root}/ping/{key}/{slug}" : null);
    }
}

/// Where this Gateway is reached from outside (`Gateway:PublicUrl`, else the scheme and host of the request) and
/// the tenant's ping key, to build absolute ping URLs.
public sealed record PingLinks(string BaseUrl, string? PingKey)
{
    public static string BaseUrlOf(HttpRequest request)
    {
        var configured = request.HttpContext.RequestServices.GetRequiredService<IConfiguration>()["Gateway:PublicUrl"];
        return string.IsNullOrWhiteSpace(configured)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}"
            : configured.TrimEnd('/');
    }

    public static async Task<PingLinks?> ForMonitorAsync(HttpRequest request, CatalogDb db, Sentinel.Gateway.Monitors.Monitor monitor, CancellationToken ct) =>
        monitor.Type == Sentinel.Gateway.Monitors.MonitorTypes.Heartbeat ? await ForAsync(request, db, monitor.TenantId, ct) : null;

    public static async Task<PingLinks> ForAsync(HttpRequest request, CatalogDb db, Guid tenantId, CancellationToken ct) =>
        new(BaseUrlOf(request),
            await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.PingKey).SingleOrDefaultAsync(ct));
}

/// The Scheduler's view of a heartbeat: state is new | up | started | grace | down | paused.
public sealed record HeartbeatStateView(
    string State, DateTimeOffset? LastPingAt, string? LastPingKind, DateTimeOffset? NextDeadlineAt, DateTimeOffset? RunStartedAt);
