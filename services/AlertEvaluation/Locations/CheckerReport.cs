using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Locations;

/// The newest CheckerStatus of one Checker process. Rows of Checkers gone for a day are dropped by LocationWatch.
public sealed class CheckerReport
{
    public Guid CheckerId { get; init; }
    public string? Location { get; set; }
    public bool Healthy { get; set; }
    public string? Reason { get; set; }
    public int Canaries { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
    /// This service's clock when the report arrived: silence is judged on it, so a Checker's skewed clock does not
    /// make it look alive or dead.
    public DateTimeOffset ReceivedAt { get; set; }

    internal static void Configure(EntityTypeBuilder<CheckerReport> e)
    {
        e.ToTable("checker_reports");
        e.HasKey(r => r.CheckerId);
        e.Property(r => r.CheckerId).HasColumnName("checker_id");
        e.Property(r => r.Location).HasColumnName("location");
        e.Property(r => r.Healthy).HasColumnName("healthy");
        e.Property(r => r.Reason).HasColumnName("reason");
        e.Property(r => r.Canaries).HasColumnName("canaries");
        e.Property(r => r.ReportedAt).HasColumnName("reported_at");
        e.Property(r => r.ReceivedAt).HasColumnName("received_at");
        e.HasIndex(r => r.Location).HasDatabaseName("ix_checker_reports_location");
    }
}

/// Keeps the newest report per Checker: an older or repeated one (redelivery, reordering) changes nothing.
public sealed class CheckerStatusConsumer(AlertingDb db, TimeProvider clock) : IConsumer<CheckerStatus>
{
    public async Task Consume(ConsumeContext<CheckerStatus> context)
    {
        var s = context.Message;
        var location = s.Location is { } l && Contracts.Locations.IsValidName(l) ? l : null;
        await db.Database.ExecuteSqlAsync($"""
            insert into alerting.checker_reports (checker_id, location, healthy, reason, canaries, reported_at, received_at)
            values ({s.CheckerId}, {location}, {s.Healthy}, {s.Reason}, {s.Canaries}, {s.ReportedAt}, {clock.GetUtcNow()})
            on conflict (checker_id) do update set location = excluded.location, healthy = excluded.healthy,
              reason = excluded.reason, canaries = excluded.canaries, reported_at = excluded.reported_at, received_at = excluded.received_at
            where checker_reports.reported_at < excluded.reported_at
            """, context.CancellationToken);
    }
}
