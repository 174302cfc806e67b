using Sentinel.Contracts;

namespace Sentinel.Scheduler.Tests.Heartbeats;

/// Heartbeat monitors and pings as the Gateway publishes them.
static class Pings
{
    public static HeartbeatCheckSpec Period(int periodSeconds, int graceSeconds, bool manualResume = false) =>
        new(periodSeconds, null, null, graceSeconds, manualResume);

    public static HeartbeatCheckSpec Cron(string schedule, string timeZone, int graceSeconds) =>
        new(null, schedule, timeZone, graceSeconds);

    public static MonitorUpserted Upserted(
        Guid monitorId, long version, HeartbeatCheckSpec spec, bool paused = false, DateTimeOffset? resumedAt = null,
        Guid? tenantId = null) =>
        Catalog.Upserted(monitorId, version, paused: paused, type: "heartbeat", tenantId: tenantId) with
        {
            Http = null,
            Check = new CheckSpec(Heartbeat: spec),
            ResumedAt = resumedAt,
        };

    public static HeartbeatPing Ping(Guid monitorId, string kind, DateTimeOffset at, Guid? runId = null, Guid? tenantId = null) =>
        new(Guid.NewGuid(), monitorId, tenantId ?? Guid.Empty, kind, at, "GET", "127.0.0.1", "curl/8", null, false, RunId: runId);

    public static HeartbeatPing Success(Guid monitorId, DateTimeOffset at, Guid? runId = null, Guid? tenantId = null) =>
        Ping(monitorId, HeartbeatPingKinds.Success, at, runId, tenantId);

    public static HeartbeatPing Start(Guid monitorId, DateTimeOffset at, Guid? runId = null, Guid? tenantId = null) =>
        Ping(monitorId, HeartbeatPingKinds.Start, at, runId, tenantId);

    public static HeartbeatPing Fail(Guid monitorId, DateTimeOffset at, Guid? runId = null, Guid? tenantId = null) =>
        Ping(monitorId, HeartbeatPingKinds.Fail, at, runId, tenantId);
}
