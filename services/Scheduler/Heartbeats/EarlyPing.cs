using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.Scheduler.Heartbeats;

/// A ping that arrived before its monitor's MonitorUpserted (a job pinging right after the monitor was created, or
/// the very ping that auto-provisioned it with ?create=1). Kept until the monitor arrives and then applied, so the
/// first ping sets the first deadline; dropped after EarlyPings.KeepFor if the monitor never comes (it was deleted).
public sealed class EarlyPing
{
    public Guid PingId { get; init; }
    public Guid MonitorId { get; init; }
    public Guid TenantId { get; init; }
    public required string Kind { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public Guid? RunId { get; init; }
    public DateTimeOffset ParkedAt { get; init; }

    /// Only what the deadline keeping reads; the rest of a ping is Telemetry-Ingest's.
    public HeartbeatPing ToPing() => new(PingId, MonitorId, TenantId, Kind, ReceivedAt, "", null, null, null, false, RunId: RunId);

    internal static void Configure(EntityTypeBuilder<EarlyPing> e)
    {
        e.ToTable("early_pings");
        e.HasKey(p => p.PingId);
        e.Property(p => p.PingId).HasColumnName("ping_id").ValueGeneratedNever();
        e.Property(p => p.MonitorId).HasColumnName("monitor_id");
        e.Property(p => p.TenantId).HasColumnName("tenant_id");
        e.Property(p => p.Kind).HasColumnName("kind").HasMaxLength(20);
        e.Property(p => p.ReceivedAt).HasColumnName("received_at");
        e.Property(p => p.RunId).HasColumnName("run_id");
        e.Property(p => p.ParkedAt).HasColumnName("parked_at");
        e.HasIndex(p => p.MonitorId);
    }
}

public static class EarlyPings
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);

    /// Parks pings the caller found no heartbeat row for, unless their monitor is known and is not a heartbeat (a
    /// schedule row and no heartbeat row: deleted, or another type), whose pings are ignored. A monitor whose schedule
    /// and heartbeat rows were committed after the caller's locking read (its upsert raced this batch) is parked too:
    /// the upsert did not see these pings, and AdoptAsync applies them. Both rows are read in one statement, so one
    /// snapshot: the upsert writes them in one transaction. A redelivered batch parks nothing twice.
    public static async Task ParkUnknownAsync(this SchedulerDb db, IReadOnlyList<HeartbeatPing> pings, DateTimeOffset now, CancellationToken ct)
    {
        if (pings.Count == 0)
            return;
        var ids = pings.Select(p => p.MonitorId).Distinct().ToArray();
        var known = await db.Schedules
            .Where(s => ids.Contains(s.MonitorId) && !db.Heartbeats.Any(h => h.MonitorId == s.MonitorId))
            .Select(s => s.MonitorId).ToListAsync(ct);
        var early = pings.Where(p => !known.Contains(p.MonitorId)).ToList();
        if (early.Count == 0)
            return;
        await db.Database.ExecuteSqlAsync($"""
            insert into scheduler.early_pings (ping_id, monitor_id, tenant_id, kind, received_at, run_id, parked_at)
            select * from unnest({early.Select(p => p.PingId).ToArray()}, {early.Select(p => p.MonitorId).ToArray()},
                {early.Select(p => p.TenantId).ToArray()}, {early.Select(p => p.Kind).ToArray()},
                {early.Select(p => p.ReceivedAt).ToArray()}, {early.Select(p => p.RunId).ToArray()},
                {early.Select(_ => now).ToArray()})
            on conflict (ping_id) do nothing
            """, ct);
    }

    /// The parked pings of a monitor that just arrived, oldest first; they are deleted with the same transaction.
    public static async Task<List<HeartbeatPing>> TakeAsync(this SchedulerDb db, Guid monitorId, Guid tenantId, CancellationToken ct)
    {
        var parked = await db.EarlyPings.Where(p => p.MonitorId == monitorId).ToListAsync(ct);
        db.EarlyPings.RemoveRange(parked);
        return parked.Where(p => p.TenantId == tenantId)
            .OrderBy(p => p.ReceivedAt).ThenBy(p => p.PingId)
            .Select(p => p.ToPing()).ToList();
    }

    /// Applies parked pings whose monitor has arrived since. The upsert applies them itself when it creates the
    /// heartbeat; this catches a ping parked while that upsert was committing (the two transactions did not see each
    /// other's rows).
    public static async Task<int> AdoptAsync(this SchedulerDb db, DateTimeOffset now, CancellationToken ct)
    {
        var ids = await db.EarlyPings.Where(p => db.Heartbeats.Any(h => h.MonitorId == p.MonitorId))
            .Select(p => p.MonitorId).Distinct().OrderBy(id => id).Take(100).ToArrayAsync(ct);
        if (ids.Length == 0)
            return 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var heartbeat in (await db.Heartbeats.LockAsync(ids, ct)).Values)
            foreach (var ping in await db.TakeAsync(heartbeat.MonitorId, heartbeat.TenantId, ct))
                heartbeat.Apply(ping, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ids.Length;
    }

    public static Task<int> ForgetExpiredAsync(this SchedulerDb db, DateTimeOffset now, CancellationToken ct)
    {
        var expired = now - KeepFor;
        return db.EarlyPings.Where(p => p.ParkedAt < expired).ExecuteDeleteAsync(ct);
    }
}
