namespace Sentinel.TelemetryIngest;

/// The "Telemetry" configuration section (e.g. Telemetry__RetentionDays=60).
public sealed class TelemetryOptions
{
    /// Whole UTC days of raw results kept before today; older day partitions are dropped. Rollups are kept forever.
    public int RetentionDays { get; set; } = 30;

    /// Days of heartbeat pings (with their bodies) kept; older pings are deleted by the maintenance pass.
    public int PingRetentionDays { get; set; } = 90;

    /// Day partitions are created this many days ahead, so results normally never land in the default partition.
    public int PartitionDaysAhead { get; set; } = 7;

    /// Off in tests that drive maintenance with their own clock.
    public bool MaintenanceEnabled { get; set; } = true;

    public int MaintenanceIntervalSeconds { get; set; } = 60;

    /// The raw results that still exist: from the start of the oldest kept day on.
    public DateTimeOffset RawKeptFrom(DateTimeOffset now) => Time.FloorDay(now).AddDays(-RetentionDays);
}

static class Time
{
    public static DateTimeOffset FloorHour(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);

    public static DateTimeOffset FloorDay(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerDay, TimeSpan.Zero);

    public static DateTimeOffset CeilHour(DateTimeOffset t) => FloorHour(t) == t ? t.ToUniversalTime() : FloorHour(t).AddHours(1);

    public static DateTimeOffset CeilDay(DateTimeOffset t) => FloorDay(t) == t ? t.ToUniversalTime() : FloorDay(t).AddDays(1);
}
