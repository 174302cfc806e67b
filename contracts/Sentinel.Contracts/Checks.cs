namespace Sentinel.Contracts;

/// One due check. CheckId is derived from (MonitorId, DueAt), so a check dispatched twice has one identity.
public sealed record DueCheck(
    Guid CheckId,
    Guid MonitorId,
    Guid TenantId,
    string Type,
    DateTimeOffset DueAt,
    int TimeoutSeconds,
    HttpCheckSpec? Http,
    CheckSpec? Check = null);

/// Command to the Checker: run these checks. Many checks travel in one message to keep the broker off the hot path.
public sealed record CheckMonitorBatch(Guid BatchId, DateTimeOffset DispatchedAt, IReadOnlyList<DueCheck> Checks);

/// Published once per completed check; CheckId makes redelivery harmless. Conditions lists each condition of the
/// monitor with its outcome and actual value; Detail is a one-line summary of what the check saw (may be null).
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
    string? Detail = null);
