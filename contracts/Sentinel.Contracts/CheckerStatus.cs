namespace Sentinel.Contracts;

/// Published by every Checker every few seconds (Checker:StatusSeconds): it is alive, where it stands, and whether
/// its own canaries answer. Healthy is false while a canary fails (Reason says which and why); the Checker's results
/// are then published with MonitorChecked.Unknown. CheckerId is random per process; Location is null for a Checker
/// started without Checker:Location. Consumers keep the newest report per CheckerId (ReportedAt orders them).
public sealed record CheckerStatus(
    Guid CheckerId,
    string? Location,
    bool Healthy,
    string? Reason,
    int Canaries,
    DateTimeOffset ReportedAt);
