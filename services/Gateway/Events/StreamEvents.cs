using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Events;

/// GET /api/v1/events: the tenant's live events as Server-Sent Events. `monitorId` and `tag` (both repeatable) narrow
/// it to those monitors (their union); `type` (repeatable) to some event types. Tags are re-resolved at every
/// heartbeat, so a monitor tagged later joins within one heartbeat.
public static class StreamEvents
{
    public static void MapStreamEvents(this RouteGroupBuilder api) =>
        api.MapGet("/events", Handle).Produces(StatusCodes.Status200OK, contentType: ServerSentEvents.ContentType);

    static async Task<IResult> Handle(
        HttpContext http, [FromQuery] Guid[]? monitorId, [FromQuery] string[]? tag, [FromQuery] string[]? type, CatalogDb db,
        TenantContext tenant, LiveEventBuffer buffer, TimeProvider clock, IConfiguration configuration)
    {
        var ct = http.RequestAborted;
        var monitors = monitorId?.Distinct().ToList() ?? [];
        var tags = tag?.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct().ToList() ?? [];
        var types = type?.Distinct().ToList() ?? [];
        var errors = new Dictionary<string, string[]>();
        if (types.Except(LiveEventTypes.All).ToList() is { Count: > 0 } unknown)
            errors["type"] = [$"Unknown event type(s) {string.Join(", ", unknown)}; use {string.Join(", ", LiveEventTypes.All)}."];
        if (monitors.Count > 500)
            errors["monitorId"] = ["At most 500 monitors per stream."];
        if (errors.Count > 0)
            return Problems.Validation(errors);
        if (monitors.Count > 0)
        {
            var found = await db.Monitors.Where(m => m.TenantId == tenant.Id && monitors.Contains(m.Id)).Select(m => m.Id).ToListAsync(ct);
            if (monitors.Except(found).ToList() is [var missing, ..])
                return Problems.NotFound("monitor", missing);
        }

        var subscription = new LiveSubscription(tenant.Id, types.Count > 0 ? types.ToHashSet() : null);
        async Task ResolveAsync(CancellationToken token)
        {
            if (tags.Count == 0)
                return;
            var tagged = await db.Monitors.AsNoTracking()
                .Where(m => m.TenantId == tenant.Id && m.Tags.Any(t => tags.Contains(t)))
                .Select(m => m.Id).ToListAsync(token);
            subscription.MonitorIds = monitors.Concat(tagged).ToHashSet();
        }
        if (monitors.Count > 0 || tags.Count > 0)
            subscription.MonitorIds = monitors.ToHashSet();
        await ResolveAsync(ct);

        var heartbeat = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Events:HeartbeatSeconds", 15)));
        await ServerSentEvents.StreamAsync(http, buffer, subscription, e => (e.Type, e.Data), ResolveAsync, heartbeat, clock);
        return Results.Empty;
    }
}
