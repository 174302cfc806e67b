using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Monitors;
using Monitor = Sentinel.Gateway.Monitors.Monitor;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Heartbeats;

/// `/ping/{pingKey}/{slug}?create=1` for a slug nobody has yet: creates a heartbeat monitor named after the slug
/// with the defaults (period 1 day, grace 1 hour, as Healthchecks.io), like any create (row and event together).
public sealed class SlugProvisioning(IServiceScopeFactory scopes, PingTargets targets, TimeProvider clock, ILogger<SlugProvisioning> log)
{
    public async Task<PingTarget?> CreateAsync(string pingKey, string slug, CancellationToken ct)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDb>();
            var tenantId = await db.Tenants.Where(t => t.PingKey == pingKey).Select(t => (Guid?)t.Id).SingleOrDefaultAsync(ct);
            if (tenantId is null)
                return null;
            var (spec, errors) = MonitorSpec.Parse(new MonitorRequest(Name: slug, Type: MonitorTypes.Heartbeat, Slug: slug));
            if (spec is null)
                throw new InvalidOperationException($"The default heartbeat for slug '{slug}' is invalid: {string.Join("; ", errors.Keys)}");
            var now = clock.GetUtcNowForStorage();
            var monitor = Monitor.Create(tenantId.Value, spec, now);
            db.Monitors.Add(monitor);
            db.Outbox.Add(OutboxMessage.Publish(monitor.ToUpserted(now), now));
            try
            {
                await db.SaveChangesAsync(ct);
                log.LogInformation("Heartbeat {MonitorId} created by a ping to slug {Slug}", monitor.Id, slug);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // Another ping created it at the same moment: use that one.
            }
            // The negative entry of this slug must not hide the monitor (Forget drops every unknown key, so this works
            // for the other ping's monitor too).
            targets.Forget(monitor.Id);
        }
        return await targets.BySlugAsync(pingKey, slug);
    }
}
