using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.Scheduler.Schedules;

/// The Scheduler's copy of one monitor: what to check and when next. Catalog events are applied only when newer
/// than the stored Version, so redelivery and reordering are harmless; a delete leaves a tombstone row.
public sealed class Schedule
{
    /// Heartbeat monitors are pushed to, never polled: they have a row but are never dispatched.
    public const string PassiveType = "heartbeat";

    public Guid MonitorId { get; private init; }
    public Guid TenantId { get; private set; }
    public long Version { get; private set; }
    public string Type { get; private set; } = "";
    public int IntervalSeconds { get; private set; }
    public int TimeoutSeconds { get; private set; }
    public bool Paused { get; private set; }
    public bool Deleted { get; private set; }
    public HttpCheckSpec? Spec { get; private set; }
    /// Settings of the other check types and the conditions; null for monitors written before they existed.
    public CheckSpec? Check { get; private set; }
    /// Where the monitor is checked from: each due time goes once to each location's queue (empty: the shared queue).
    public List<string> Locations { get; private set; } = [];
    public DateTimeOffset NextCheckAt { get; private set; }
    /// The due time of the last dispatched check (null until the first): an interval change counts from it.
    public DateTimeOffset? LastDueAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// A monitor seen for the first time is due at once.
    public static Schedule Create(MonitorUpserted monitor, DateTimeOffset now)
    {
        var schedule = new Schedule { MonitorId = monitor.MonitorId, NextCheckAt = now };
        schedule.CopyFrom(monitor, now);
        return schedule;
    }

    /// A delete that overtook its monitor's upserts still wins: the tombstone carries its Version.
    public static Schedule Tombstone(MonitorDeleted deleted, DateTimeOffset now) =>
        new()
        {
            MonitorId = deleted.MonitorId,
            TenantId = deleted.TenantId,
            Version = deleted.Version,
            Deleted = true,
            NextCheckAt = now,
            UpdatedAt = now,
        };

    /// False when the event is stale (not newer than what is stored) or the monitor is deleted: nothing changes.
    public bool Apply(MonitorUpserted monitor, DateTimeOffset now)
    {
        if (Deleted || monitor.Version <= Version)
            return false;

        var resumed = Paused && !monitor.Paused;
        var intervalChanged = monitor.IntervalSeconds != IntervalSeconds;
        CopyFrom(monitor, now);
        if (resumed)
            NextCheckAt = now; // resuming checks at once
        else if (intervalChanged && LastDueAt is { } last)
        {
            // The new interval counts from the last check, on the monitor's grid for that interval: shortened from
            // 1 h to 1 min it is due within a minute of the last check (at once if that has passed), not in an hour.
            var next = Spread.NextSlot(MonitorId, IntervalSeconds, last + Spread.HalfInterval(IntervalSeconds));
            NextCheckAt = next > now ? next : now;
        }
        return true;
    }

    /// What dispatching the check due at dueAt does to the row. CheckDispatcher does the same for a whole round in
    /// one UPDATE; this is its single-row form.
    public void Dispatched(DateTimeOffset dueAt, DateTimeOffset next)
    {
        LastDueAt = dueAt;
        NextCheckAt = next;
    }

    public bool Apply(MonitorDeleted deleted, DateTimeOffset now)
    {
        if (deleted.Version <= Version)
            return false;
        Version = deleted.Version;
        Deleted = true;
        UpdatedAt = now;
        return true;
    }

    void CopyFrom(MonitorUpserted monitor, DateTimeOffset now)
    {
        TenantId = monitor.TenantId;
        Version = monitor.Version;
        Type = monitor.Type;
        IntervalSeconds = monitor.IntervalSeconds;
        TimeoutSeconds = monitor.TimeoutSeconds;
        Paused = monitor.Paused;
        Spec = monitor.Http;
        Check = monitor.Check;
        Locations = [.. monitor.Locations ?? []];
        UpdatedAt = now;
    }

    internal static void Configure(EntityTypeBuilder<Schedule> e)
    {
        e.ToTable("schedules");
        e.HasKey(s => s.MonitorId);
        e.Property(s => s.MonitorId).HasColumnName("monitor_id").ValueGeneratedNever();
        e.Property(s => s.TenantId).HasColumnName("tenant_id");
        e.Property(s => s.Version).HasColumnName("version");
        e.Property(s => s.Type).HasColumnName("type");
        e.Property(s => s.IntervalSeconds).HasColumnName("interval_seconds");
        e.Property(s => s.TimeoutSeconds).HasColumnName("timeout_seconds");
        e.Property(s => s.Paused).HasColumnName("paused");
        e.Property(s => s.Deleted).HasColumnName("deleted");
        e.Property(s => s.Spec).HasColumnName("spec").HasColumnType("jsonb").HasConversion(
            spec => JsonSerializer.Serialize(spec, JsonSerializerOptions.Web),
            json => JsonSerializer.Deserialize<HttpCheckSpec>(json, JsonSerializerOptions.Web));
        e.Property(s => s.Check).HasColumnName("check").HasColumnType("jsonb").HasConversion(
            check => JsonSerializer.Serialize(check, JsonSerializerOptions.Web),
            json => JsonSerializer.Deserialize<CheckSpec>(json, JsonSerializerOptions.Web));
        e.Property(s => s.Locations).HasColumnName("locations").HasDefaultValueSql("'{}'::text[]");
        e.Property(s => s.NextCheckAt).HasColumnName("next_check_at");
        e.Property(s => s.LastDueAt).HasColumnName("last_due_at");
        e.Property(s => s.UpdatedAt).HasColumnName("updated_at");
        // The dispatcher's only query: due rows in order. Paused and deleted rows never are, nor heartbeats (pushed
        // to, never polled: their next_check_at never advances, so they would all sit at the head of the index).
        // The dispatcher's query repeats this predicate literally so the planner can use the partial index.
        e.HasIndex(s => s.NextCheckAt).HasDatabaseName("ix_schedules_due")
            .HasFilter($"not paused and not deleted and type <> '{PassiveType}'");
    }
}
