using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.TelemetryIngest.Ingest;
using Sentinel.TelemetryIngest.Maintenance;
using Sentinel.TelemetryIngest.Partitions;
using Sentinel.TelemetryIngest.Rollups;
using Sentinel.Testing;

namespace Sentinel.TelemetryIngest.Tests;

/// A migrated telemetry database of a test fixture's own, for tests that drive maintenance with a fake clock:
/// partition drops and retention deletes must not reach the rows other fixtures keep in the shared database.
public sealed class OwnDatabase : IAsyncDisposable
{
    OwnDatabase(TestDatabase database) => Database = database;

    public TestDatabase Database { get; }

    public static async Task<OwnDatabase> CreateAsync(string prefix)
    {
        var own = new OwnDatabase(await TestDatabase.CreateAsync(prefix));
        await using var db = own.NewDb();
        await db.Database.MigrateAsync();
        return own;
    }

    public TelemetryDb NewDb() =>
        new(new DbContextOptionsBuilder<TelemetryDb>()
            .UseNpgsql(Database.ConnectionString, o => o.MigrationsHistoryTable("__ef_migrations_history", TelemetryDb.Schema))
            .Options);

    public static IOptions<TelemetryOptions> Options(int retentionDays = 30, int daysAhead = 7) =>
        Microsoft.Extensions.Options.Options.Create(new TelemetryOptions { RetentionDays = retentionDays, PartitionDaysAhead = daysAhead });

    public PartitionManager Partitions(TelemetryDb db, TimeProvider clock, int retentionDays = 30) =>
        new(db, clock, Options(retentionDays), NullLogger<PartitionManager>.Instance);

    public MaintenanceRunner Runner(TelemetryDb db, TimeProvider clock, int retentionDays = 30) =>
        new(db, Partitions(db, clock, retentionDays), new RollupWriter(db, clock), clock, NullLogger<MaintenanceRunner>.Instance);

    /// Stores results through the real ingest writer (COPY, merge, pending-hour marks).
    public async Task<int> WriteAsync(IReadOnlyCollection<MonitorChecked> results)
    {
        await using var db = NewDb();
        return await new PingResultWriter(db).WriteAsync(results, CancellationToken.None);
    }

    public static MonitorChecked Result(Guid tenantId, Guid monitorId, DateTimeOffset dueAt, bool up, double latencyMs) =>
        new(DeterministicGuid.ForCheck(monitorId, dueAt), monitorId, tenantId, up, up ? 200 : null, latencyMs,
            up ? null : "down", dueAt, dueAt.AddMilliseconds(30));

    public static FakeTimeProvider Clock(DateTimeOffset now) => new(now);

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
