namespace Sentinel.Contracts;

/// One due check. CheckId is derived from (MonitorId, DueAt) — and the Location for a multi-location monitor — so a
/// check dispatched twice has one identity. Location is set when the check must run in that location (the command then
/// goes to that location's queue, Queues.CheckMonitorBatchFor); RoundId names the round all locations of one due time
/// share (DeterministicGuid.ForRound).
public sealed record DueCheck(
    Guid CheckId,
    Guid MonitorId,
    Guid TenantId,
    string Type,
    DateTimeOffset DueAt,
    int TimeoutSeconds,
    HttpCheckSpec? Http,
    CheckSpec? Check = null,
    string? Location = null,
    Guid? RoundId = null);

/// Command to the Checker: run these checks. Many checks travel in one message to keep the broker off the hot path.
public sealed record CheckMonitorBatch(Guid BatchId, DateTimeOffset DispatchedAt, IReadOnlyList<DueCheck> Checks);

/// Published once per completed check; CheckId makes redelivery harmless. Conditions lists each condition of the
/// monitor with its outcome and actual value; Detail is a one-line summary of what the check saw (may be null).
/// Location is where the Checker that ran it stands (null for a Checker started without Checker:Location); RoundId
/// is copied from the DueCheck. Unknown: the Checker could not judge (its own canaries failed), Error says why; such a
/// result is neither up nor down and never flips a monitor's state (Up is false then, but means nothing).
public sealed record MonitorChecked(
    Guid CheckId,
    Guid MonitorId,
    Guid TenantId,
    bool Up,
    int? StatusCode,
    double LatencyMs,
    string? Error,
    DateTimeOffset DueAt,
    DateTimeOffset CheckedAt,
    IReadOnlyList<ConditionResult>? Conditions = null,
    string? Detail = null,
    string? Location = null,
    Guid? RoundId = null,
    bool Unknown = false);
