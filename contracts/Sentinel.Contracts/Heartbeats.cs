using MessagePack;

namespace Sentinel.Contracts;

// Heartbeats (passive monitoring): the Gateway receives pings on /ping/... and publishes them in batches; the
// Scheduler keeps each heartbeat's next deadline and reports missed ones; Alert-Evaluation turns both into up/down;
// Telemetry-Ingest keeps the pings (with bodies) for the history API.

/// What a ping says, after the Gateway has applied the monitor's keyword filters and exit status.
public static class HeartbeatPingKinds
{
    /// The job succeeded (a run in progress finishes).
    public const string Success = "success";
    /// A run started: measures duration; a run that never finishes goes down after the grace time.
    public const string Start = "start";
    /// The job failed (`/fail`, a non-zero exit status, a failure keyword, Uptime Kuma's status=down).
    public const string Fail = "fail";
    /// A message only (`/log`, or a body that matched no keyword while keyword filtering is on): no state change.
    public const string Log = "log";
}

/// A heartbeat monitor's schedule: either PeriodSeconds or a 5-field cron Schedule in TimeZone (IANA), plus
/// GraceSeconds. With ManualResume, a monitor that went down stays down until resumed through the API.
public sealed record HeartbeatCheckSpec(
    int? PeriodSeconds,
    string? Schedule,
    string? TimeZone,
    int GraceSeconds,
    bool ManualResume = false);

/// One ping as received. PingId is unique per request (so redelivery is harmless); RunId is the `?rid=` that pairs a
/// start with its finish; ExitStatus is set for `/ping/{token}/{0-255}`. Body is at most the configured size
/// (BodyTruncated tells when it was cut). Message and ReportedLatencyMs come from Uptime Kuma's `msg=` and `ping=`.
public sealed record HeartbeatPing(
    Guid PingId,
    Guid MonitorId,
    Guid TenantId,
    string Kind,
    DateTimeOffset ReceivedAt,
    string Method,
    string? SourceIp,
    string? UserAgent,
    string? Body,
    bool BodyTruncated,
    int? ExitStatus = null,
    Guid? RunId = null,
    string? Message = null,
    double? ReportedLatencyMs = null);

/// Event: pings the Gateway received, many per message (10,000 pings/s cannot be one message each). The Gateway now
/// publishes HeartbeatsPacked; this shape stays consumed, with the same semantics, for older producers and tools.
public sealed record HeartbeatsReceived(Guid BatchId, IReadOnlyList<HeartbeatPing> Pings);

/// Event: the same pings as HeartbeatsReceived, what the Gateway publishes, with publisher confirms before any of
/// these requests is answered 200. Pings is the HeartbeatPing list packed as MonitorCheckedPacked's results are
/// (MessagePack, map per ping keyed by property name, LZ4; see PackedResults), so MassTransit's JSON envelope carries
/// one base64 string instead of a hundred objects: each of the three consumers parsed ~250 bytes of JSON per ping
/// to use a handful of its fields. Count is the number of pings in it. Every consumer of HeartbeatsReceived consumes
/// this too, on the same queue.
public sealed record HeartbeatsPacked(Guid BatchId, int Count, byte[] Pings)
{
    public static HeartbeatsPacked Pack(Guid batchId, IReadOnlyList<HeartbeatPing> pings) =>
        new(batchId, pings.Count, MessagePackSerializer.Serialize(pings, PackedEncoding.Options));

    public IReadOnlyList<HeartbeatPing> Unpack()
    {
        var pings = MessagePackSerializer.Deserialize<HeartbeatPing[]>(Pings, PackedEncoding.Options);
        if (pings.Length != Count)
            throw new InvalidDataException($"HeartbeatsPacked {BatchId} says {Count} pings but holds {pings.Length}.");
        return pings;
    }
}

/// Event from the Scheduler: a heartbeat's deadline passed without the ping it waited for. Reason is one of
/// "late" (no ping within period/schedule + grace) or "run-timeout" (a started run did not finish within grace).
/// Deadline is when it became late; LastPingAt the last ping the Scheduler knew (null: none since the run started).
public sealed record HeartbeatDeadlineMissed(
    Guid MonitorId,
    Guid TenantId,
    DateTimeOffset Deadline,
    string Reason,
    DateTimeOffset? LastPingAt,
    DateTimeOffset DetectedAt);
