using Microsoft.EntityFrameworkCore;
using Sentinel.ServiceDefaults.Outbox;
using Sentinel.TelemetryIngest.Pings;
using Sentinel.TelemetryIngest.Results;

namespace Sentinel.TelemetryIngest;

/// The telemetry schema. Raw results are written by binary COPY (see Ingest) and only read through EF, so their
/// table is created by hand-written SQL in the migrations rather than by the model.
public sealed class TelemetryDb(DbContextOptions<TelemetryDb> options) : DbContext(options)
{
    public const string Schema = "telemetry";

    public DbSet<PingResult> PingResults => Set<PingResult>();
    public DbSet<HeartbeatPingRecord> HeartbeatPings => Set<HeartbeatPingRecord>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        // Telemetry emits no events today, but the shared relay runs for every service database and expects the table.
        modelBuilder.AddOutbox();
        modelBuilder.Entity<PingResult>(PingResult.Configure);
        modelBuilder.Entity<HeartbeatPingRecord>(HeartbeatPingRecord.Configure);
    }
}
