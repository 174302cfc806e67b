using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.Scheduler.Heartbeats;

/// The Scheduler's copy of one heartbeat monitor and where it stands: its timing, its last ping, its runs in
/// progress and its next deadline. All decisions are made here, without I/O; the consumers and the deadline loop only
/// load rows, call these methods and save.
public sealed class Heartbeat
{
    /// Bounds the jsonb of a job that starts runs and never finishes them while nothing times them out (paused is
    /// cleared; manual-resume down keeps them): the oldest are dropped.
    const int MaxOpenRuns = 100;

    public Guid MonitorId { get; private init; }
    public Guid TenantId { get; private set; }
    public long Version { get; private set; }
    public int? PeriodSeconds { get; private set; }
    public string? Schedule { get; private set; }
    public string? TimeZone { get; private set; }
    public int GraceSeconds { get; private set; }
    public bool ManualResume { get; private set; }
    public bool Paused { get; private set; }
    /// new | up | started | down | paused (grace is derived at read time, see HeartbeatView).
    public string State { get; private set; } = HeartbeatStates.New;
    public DateTimeOffset? LastPingAt { get; private set; }
    /// With LastPingAt, orders pings received in the same microsecond and recognises a redelivered one.
    public Guid? LastPingId { get; private set; }
    public string? LastPingKind { get; private set; }
    public DateTimeOffset? LastSuccessAt { get; private set; }
    /// The next ping expected after the last success (null: none expected: new, down, paused).
    public DateTimeOffset? ExpectedAt { get; private set; }
    public IReadOnlyList<OpenRun> OpenRuns { get; private set; } = [];
    public DateTimeOffset? ResumedAt { get; private set; }
    /// The true deadline (column deadline_at, not indexed): what a miss reports and what the API shows. Pings move it
    /// freely; the deadline loop finds it through WakeAt.
    public DateTimeOffset? NextDeadlineAt { get; private set; }
    public string? DeadlineReason { get; private set; }
    /// When the deadline loop next looks at this row (column wake_at, the only indexed one a ping could change):
    /// never later than NextDeadlineAt, null when there is none. It is lowered when the deadline moves earlier but
    /// kept when the deadline moves later, so the ping's UPDATE leaves every indexed value as it was and PostgreSQL
    /// can make it a HOT update (no new index entries, no index bloat at thousands of pings per second). The loop
    /// then finds the deadline not yet passed and moves WakeAt up to it: one extra index write per deadline instead
    /// of one per ping.
    public DateTimeOffset? WakeAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    HeartbeatTiming Timing => new(PeriodSeconds, Schedule, TimeZone, GraceSeconds);

    public static Heartbeat Create(MonitorUpserted monitor, HeartbeatCheckSpec spec, DateTimeOffset now)
    {
        var heartbeat = new Heartbeat { MonitorId = monitor.MonitorId, ResumedAt = monitor.ResumedAt };
        heartbeat.CopyFrom(monitor, spec, now);
        heartbeat.State = monitor.Paused ? HeartbeatStates.Paused : HeartbeatStates.New;
        return heartbeat;
    }

    /// False when the event is not newer than the stored Version: nothing changes.
    public bool Apply(MonitorUpserted monitor, HeartbeatCheckSpec spec, DateTimeOffset now)
    {
        if (monitor.Version <= Version)
            return false;

        var timingChanged = HeartbeatTiming.From(spec) != Timing;
        var wasPaused = Paused;
        var resumed = monitor.ResumedAt is { } r && (ResumedAt is null || r > ResumedAt);
        CopyFrom(monitor, spec, now);
        if (resumed)
            ResumedAt = monitor.ResumedAt;

        if (Paused)
            Restart(HeartbeatStates.Paused);
        else if (wasPaused || resumed)
            Restart(HeartbeatStates.New); // no deadline until the next ping
        else if (timingChanged && ExpectedAt is not null && LastSuccessAt is { } lastSuccess)
            ExpectedAt = HeartbeatDeadlines.NextExpected(Timing, lastSuccess);
        UpdateDeadline();
        return true;
    }

    /// Applies one ping. False when it changes nothing: a log, an unknown kind, or a ping not newer than the last one
    /// (a redelivered batch, or a ping overtaken by a later one: a deadline never moves backwards).
    public bool Apply(HeartbeatPing ping, DateTimeOffset now)
    {
        if (ping.Kind is not (HeartbeatPingKinds.Success or HeartbeatPingKinds.Start or HeartbeatPingKinds.Fail))
            return false;
        var at = HeartbeatDeadlines.ToStoredPrecision(ping.ReceivedAt);
        if (LastPingAt is { } last && (at < last || (at == last && ping.PingId.CompareTo(LastPingId ?? Guid.Empty) <= 0)))
            return false;

        LastPingAt = at;
        LastPingId = ping.PingId;
        LastPingKind = ping.Kind;
        UpdatedAt = now;
        if (State == HeartbeatStates.Paused || (ManualResume && State == HeartbeatStates.Down))
            return true; // kept for display; the state waits for the API (unpause / resume)

        switch (ping.Kind)
        {
            case HeartbeatPingKinds.Start:
                OpenRuns = [.. OpenRuns.Where(run => run.RunId != ping.RunId).TakeLast(MaxOpenRuns - 1), new OpenRun(ping.RunId, at)];
                State = HeartbeatStates.Started;
                break;
            case HeartbeatPingKinds.Success:
                CloseRun(ping.RunId);
                LastSuccessAt = at;
                ExpectedAt = HeartbeatDeadlines.NextExpected(Timing, at);
                State = OpenRuns.Count > 0 ? HeartbeatStates.Started : HeartbeatStates.Up;
                break;
            case HeartbeatPingKinds.Fail:
                CloseRun(ping.RunId);
                ExpectedAt = null;
                State = HeartbeatStates.Down;
                break;
        }
        UpdateDeadline();
        return true;
    }

    /// The deadline has passed: the heartbeat goes down and expects nothing until its next ping. Runs that timed out
    /// are dropped (they are what this miss reports); later runs stay open and a finish still closes them.
    public HeartbeatDeadlineMissed Miss(DateTimeOffset now)
    {
        var deadline = NextDeadlineAt ?? throw new InvalidOperationException($"Heartbeat {MonitorId} has no deadline to miss");
        var reason = DeadlineReason ?? HeartbeatDeadlines.Late;
        var grace = TimeSpan.FromSeconds(Math.Max(0, GraceSeconds));
        OpenRuns = [.. OpenRuns.Where(run => run.StartedAt + grace > deadline)];
        ExpectedAt = null;
        State = HeartbeatStates.Down;
        NextDeadlineAt = null;
        DeadlineReason = null;
        WakeAt = null;
        UpdatedAt = now;
        return new HeartbeatDeadlineMissed(MonitorId, TenantId, deadline, reason, LastPingAt, now);
    }

    /// The run a finish closes: its own by RunId; without one, the anonymous run, else the latest started.
    void CloseRun(Guid? runId)
    {
        var run = runId is not null
            ? OpenRuns.FirstOrDefault(r => r.RunId == runId)
            : OpenRuns.FirstOrDefault(r => r.RunId is null) ?? OpenRuns.LastOrDefault();
        if (run is not null)
            OpenRuns = [.. OpenRuns.Where(r => r != run)];
    }

    void Restart(string state)
    {
        State = state;
        OpenRuns = [];
        ExpectedAt = null;
    }

    void UpdateDeadline()
    {
        var deadline = State is HeartbeatStates.Up or HeartbeatStates.Started
            ? HeartbeatDeadlines.Deadline(ExpectedAt, OpenRuns, GraceSeconds)
            : null;
        NextDeadlineAt = deadline?.At;
        DeadlineReason = deadline?.Reason;
        WakeAt = HeartbeatDeadlines.WakeAt(WakeAt, NextDeadlineAt);
    }

    void CopyFrom(MonitorUpserted monitor, HeartbeatCheckSpec spec, DateTimeOffset now)
    {
        TenantId = monitor.TenantId;
        Version = monitor.Version;
        PeriodSeconds = spec.PeriodSeconds;
        Schedule = spec.Schedule;
        TimeZone = spec.TimeZone;
        GraceSeconds = spec.GraceSeconds;
        ManualResume = spec.ManualResume;
        Paused = monitor.Paused;
        UpdatedAt = now;
    }

    /// open_runs as stored (the deadline loop writes it in bulk, outside EF).
    public static string SerializeRuns(IReadOnlyList<OpenRun> runs) => JsonSerializer.Serialize(runs, JsonSerializerOptions.Web);

    /// The columns FromRow reads, in its order; the rest (version, resumed_at) no ping reads or writes.
    internal const string PingColumns = """
        monitor_id, tenant_id, period_seconds, schedule, time_zone, grace_seconds, manual_resume, paused, state,
        last_ping_at, last_ping_id, last_ping_kind, last_success_at, expected_at, open_runs::text, deadline_at,
        deadline_reason, wake_at, updated_at
        """;

    /// A row read with PingColumns: what a batch of pings needs, without EF's materialization (at thousands of
    /// pings a second it was a sixth of the Scheduler's CPU). Written back by SavePingsAsync, never by EF.
    internal static Heartbeat FromRow(DbDataReader r) => new()
    {
        MonitorId = r.GetGuid(0),
        TenantId = r.GetGuid(1),
        PeriodSeconds = r.IsDBNull(2) ? null : r.GetInt32(2),
        Schedule = r.IsDBNull(3) ? null : r.GetString(3),
        TimeZone = r.IsDBNull(4) ? null : r.GetString(4),
        GraceSeconds = r.GetInt32(5),
        ManualResume = r.GetBoolean(6),
        Paused = r.GetBoolean(7),
        State = r.GetString(8),
        LastPingAt = r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
        LastPingId = r.IsDBNull(10) ? null : r.GetGuid(10),
        LastPingKind = r.IsDBNull(11) ? null : r.GetString(11),
        LastSuccessAt = r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12),
        ExpectedAt = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
        OpenRuns = DeserializeRuns(r.GetString(14)),
        NextDeadlineAt = r.IsDBNull(15) ? null : r.GetFieldValue<DateTimeOffset>(15),
        DeadlineReason = r.IsDBNull(16) ? null : r.GetString(16),
        WakeAt = r.IsDBNull(17) ? null : r.GetFieldValue<DateTimeOffset>(17),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(18),
    };

    /// The common case, no run open, without a JSON parse.
    static IReadOnlyList<OpenRun> DeserializeRuns(string json) =>
        json == "[]" ? [] : JsonSerializer.Deserialize<List<OpenRun>>(json, JsonSerializerOptions.Web) ?? [];

    internal static void Configure(EntityTypeBuilder<Heartbeat> e)
    {
        e.ToTable("heartbeats");
        e.HasKey(h => h.MonitorId);
        e.Property(h => h.MonitorId).HasColumnName("monitor_id").ValueGeneratedNever();
        e.Property(h => h.TenantId).HasColumnName("tenant_id");
        e.Property(h => h.Version).HasColumnName("version");
        e.Property(h => h.PeriodSeconds).HasColumnName("period_seconds");
        e.Property(h => h.Schedule).HasColumnName("schedule");
        e.Property(h => h.TimeZone).HasColumnName("time_zone");
        e.Property(h => h.GraceSeconds).HasColumnName("grace_seconds");
        e.Property(h => h.ManualResume).HasColumnName("manual_resume");
        e.Property(h => h.Paused).HasColumnName("paused");
        e.Property(h => h.State).HasColumnName("state");
        e.Property(h => h.LastPingAt).HasColumnName("last_ping_at");
        e.Property(h => h.LastPingId).HasColumnName("last_ping_id");
        e.Property(h => h.LastPingKind).HasColumnName("last_ping_kind");
        e.Property(h => h.LastSuccessAt).HasColumnName("last_success_at");
        e.Property(h => h.ExpectedAt).HasColumnName("expected_at");
        e.Property(h => h.OpenRuns).HasColumnName("open_runs").HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb")
            .HasConversion(
                runs => SerializeRuns(runs),
                json => DeserializeRuns(json),
                new ValueComparer<IReadOnlyList<OpenRun>>(
                    (a, b) => a!.SequenceEqual(b!),
                    runs => runs.Aggregate(0, (hash, run) => HashCode.Combine(hash, run)),
                    runs => runs.ToList()));
        e.Property(h => h.ResumedAt).HasColumnName("resumed_at");
        e.Property(h => h.NextDeadlineAt).HasColumnName("deadline_at");
        e.Property(h => h.DeadlineReason).HasColumnName("deadline_reason");
        e.Property(h => h.WakeAt).HasColumnName("wake_at");
        e.Property(h => h.UpdatedAt).HasColumnName("updated_at");
        // The deadline loop's only query: passed wake-up times in order. New, paused and down heartbeats have none and
        // are not in the index at all, so a tick costs what is due, not what exists. Only wake_at is indexed (not
        // deadline_at), so that pings can be HOT updates (see WakeAt).
        e.HasIndex(h => h.WakeAt).HasDatabaseName("ix_heartbeats_wake").HasFilter("wake_at is not null");
        // Free room on every page for the new version of a row a ping rewrites: a HOT update must fit on the same page.
        e.HasStorageParameter("fillfactor", 85);
    }
}

public static class HeartbeatStates
{
    public const string New = "new";
    public const string Up = "up";
    public const string Started = "started";
    /// Derived at read time only: up, past the expected time, not yet past the deadline.
    public const string Grace = "grace";
    public const string Down = "down";
    public const string Paused = "paused";
}
