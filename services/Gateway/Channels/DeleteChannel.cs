using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Channels;

/// Deleting a channel also takes it out of every monitor that used it (each such monitor gets a new version and its
/// own MonitorUpserted), all in one transaction, so no monitor is left pointing at a channel that is gone. A channel
/// an escalation level, alert rule or SLO pages is refused (409): silently dropping it could leave a level paging nobody.
public static class DeleteChannel
{
    public static void MapDeleteChannel(this RouteGroupBuilder api) => api.MapDelete("/channels/{id:guid}", Handle);

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid id, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var channel = await db.Channels.SingleOrDefaultAsync(c => c.Id == id && c.TenantId == tenant.Id, ct);
        if (channel is null)
            return Problems.NotFound("channel", id);

        var rules = await db.AlertRules.Where(r => r.TenantId == tenant.Id && r.ChannelIds.Contains(id)).Select(r => r.Name).ToListAsync(ct);
        var policies = (await db.EscalationPolicies.Where(p => p.TenantId == tenant.Id).ToListAsync(ct))
            .Where(p => p.Levels.Any(l => l.ChannelIds.Contains(id))).Select(p => p.Name).ToList();
        var slos = await db.Slos.Where(s => s.TenantId == tenant.Id && s.ChannelIds.Contains(id)).Select(s => s.Name).ToListAsync(ct);
        if (rules.Count + policies.Count + slos.Count > 0)
            return Problems.Conflict(
                $"Channel {id} is still paged by escalation policies [{string.Join(", ", policies)}], alert rules " +
                $"[{string.Join(", ", rules)}] and SLOs [{string.Join(", ", slos)}]; remove it from them first.");

        var now = clock.GetUtcNowForStorage();
        var users = await db.Monitors.Where(m => m.TenantId == tenant.Id && m.ChannelIds.Contains(id)).ToListAsync(ct);
        foreach (var monitor in users)
        {
            monitor.RemoveChannel(id, now);
            db.Outbox.Add(OutboxMessage.Publish(monitor.ToUpserted(now), now));
        }
        db.Channels.Remove(channel);
        db.Outbox.Add(OutboxMessage.Publish(channel.ToDeleted(now), now));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
