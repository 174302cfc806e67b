using Sentinel.Contracts;

namespace Sentinel.Scheduler.Tests;

/// Catalog events as the Gateway publishes them.
static class Catalog
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static MonitorUpserted Upserted(
        Guid monitorId, long version, int intervalSeconds = 60, bool paused = false, string type = "http",
        Guid? tenantId = null) =>
        new(monitorId, tenantId ?? Guid.Empty, version, "api", type, intervalSeconds, 10, paused, 1, 1, [], true, null, [],
            new HttpCheckSpec("https://example.test/health", "GET", new Dictionary<string, string> { ["Accept"] = "*/*" },
                null, ["200-299"], true, false),
            Start);

    public static MonitorDeleted Deleted(Guid monitorId, long version) => new(monitorId, Guid.Empty, version, Start);
}
