using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.AlertEvaluation.Locations;

/// Is a location usable? Pure: judged from its Checkers' newest reports.
public static class LocationJudge
{
    /// Ok while a Checker heard within `silence` trusts its canaries; Unknown while every such Checker fails them;
    /// Offline when none was heard within `silence` (counted from when the location was first seen, so a location
    /// named by a new monitor gets its Checkers' first reports before it is called offline).
    public static (string Status, string? Reason) Judge(
        IReadOnlyCollection<CheckerReport> reports, DateTimeOffset firstSeenAt, DateTimeOffset now, TimeSpan silence)
    {
        var alive = reports.Where(r => now - r.ReceivedAt <= silence).ToList();
        if (alive.Count == 0)
        {
            var lastHeard = reports.Count > 0 ? reports.Max(r => r.ReceivedAt) : (DateTimeOffset?)null;
            var quietSince = lastHeard is { } heard && heard > firstSeenAt ? heard : firstSeenAt;
            if (now - quietSince <= silence)
                return (LocationStatuses.Ok, null);
            return (LocationStatuses.Offline, lastHeard is { } last
                ? $"no Checker heard since {last:O}"
                : $"no Checker has reported from this location (for {(long)silence.TotalSeconds} s)");
        }
        if (alive.All(r => !r.Healthy))
            return (LocationStatuses.Unknown, alive.Count == 1
                ? alive[0].Reason ?? "canaries failing"
                : $"all {alive.Count} Checkers fail their canaries: {alive[0].Reason}");
        return (LocationStatuses.Ok, null);
    }
}

/// Runs on the alert clock (one replica at a time: a transaction-scoped advisory lock): judges every location known from
/// Checker reports or named by a monitor, and opens exactly one operational alert when a location becomes unknown or
/// offline, resolved once when it is ok again. The alert goes through the normal path (SendNotification in the
/// outbox, Delivery) to the channels of the monitors that list the location, one notification per channel however
/// many monitors share it; its id is derived from the outage, so a retried tick sends nothing twice.
public sealed class LocationWatch(AlertingDb db, TimeProvider clock, IConfiguration configuration, ILogger<LocationWatch> log)
{
    static readonly TimeSpan ReportRetention = TimeSpan.FromDays(1);
    static DateTimeOffset lastCleanup;

    public async Task RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var silence = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Alerting:CheckerSilenceSeconds", 30)));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Database.SqlQuery<bool>($"select pg_try_advisory_xact_lock(hashtext('alerting.location-watch')) as \"Value\"").SingleAsync(ct);
        if (!locked)
            return; // another replica is at it

        var since = now - ReportRetention;
        var reports = (await db.CheckerReports.AsNoTracking().Where(r => r.Location != null && r.ReceivedAt > since).ToListAsync(ct))
            .ToLookup(r => r.Location!);
        var monitors = await db.Monitors.AsNoTracking()
            .Where(m => !m.Deleted && !m.Paused && m.Locations.Count > 0)
            .Select(m => new { m.TenantId, m.Locations, m.ChannelIds })
            .ToListAsync(ct);
        var states = await db.LocationStates.ToDictionaryAsync(s => s.Location, ct);
        var names = reports.Select(g => g.Key).Concat(monitors.SelectMany(m => m.Locations)).Concat(states.Keys).Distinct();

        foreach (var name in names)
        {
            if (!states.TryGetValue(name, out var state))
            {
                state = new LocationState { Location = name, FirstSeenAt = now, Since = now };
                db.LocationStates.Add(state);
            }
            var (status, reason) = LocationJudge.Judge(reports[name].ToList(), state.FirstSeenAt, now, silence);
            if (status != state.Status)
            {
                log.LogInformation("Location {Location} is {Status} (was {Previous}): {Reason}", name, status, state.Status, reason);
                state.Status = status;
                state.Since = now;
            }
            state.Reason = reason;

            if (status != LocationStatuses.Ok && state.OutageId is null)
            {
                var outageId = DeterministicGuid.Create("location-outage", name, now);
                var channels = monitors.Where(m => m.Locations.Contains(name))
                    .SelectMany(m => m.ChannelIds.Select(c => (Tenant: m.TenantId, Channel: c))).Distinct().ToList();
                foreach (var (tenant, channel) in channels)
                    db.Outbox.Add(OutboxMessage.Send(Notification(name, outageId, tenant, channel, NotificationEvents.LocationUnknown,
                        status, reason, now, null, now), Queues.SendNotification, now));
                state.OutageId = outageId;
                state.OutageSince = now;
                state.NotifiedTenantIds = channels.Select(c => c.Tenant).ToList();
                state.NotifiedChannelIds = channels.Select(c => c.Channel).ToList();
                log.LogWarning("Location {Location} is {Status}: {Reason}; operational alert {OutageId} sent to {Channels} channels",
                    name, status, reason, outageId, channels.Count);
            }
            else if (status == LocationStatuses.Ok && state.OutageId is { } open)
            {
                for (var i = 0; i < state.NotifiedChannelIds.Count; i++)
                    db.Outbox.Add(OutboxMessage.Send(Notification(name, open, state.NotifiedTenantIds[i], state.NotifiedChannelIds[i],
                        NotificationEvents.LocationRecovered, MonitorStatuses.Up, null, state.OutageSince ?? now, now, now), Queues.SendNotification, now));
                log.LogInformation("Location {Location} is ok again; operational alert {OutageId} resolved", name, open);
                state.OutageId = null;
                state.OutageSince = null;
                state.NotifiedTenantIds = [];
                state.NotifiedChannelIds = [];
            }
        }

        await db.SaveChangesAsync(ct);
        if (now - lastCleanup > TimeSpan.FromMinutes(1))
        {
            lastCleanup = now;
            await db.CheckerReports.Where(r => r.ReceivedAt < since).ExecuteDeleteAsync(ct);
            var roundsBefore = now - TimeSpan.FromHours(Math.Max(1, configuration.GetValue("Alerting:RoundRetentionHours", 24)));
            await db.Rounds.Where(r => r.ClosedAt != null && r.ClosedAt < roundsBefore).ExecuteDeleteAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    static SendNotification Notification(string location, Guid outageId, Guid tenantId, Guid channelId, string @event, string status,
        string? reason, DateTimeOffset since, DateTimeOffset? resolvedAt, DateTimeOffset now) =>
        new(DeterministicGuid.ForNotification(outageId, @event, channelId), tenantId, channelId, outageId, Guid.Empty,
            $"location {location}", @event, status, reason, null, since, resolvedAt, now);
}
