namespace Sentinel.Contracts;

/// Many check results in one message, for producers with thousands of results per second: the broker then carries
/// one message per batch instead of one per result (MassTransit tops out near 9,000 messages/s on a 2-core box).
/// Telemetry-Ingest stores it exactly like MonitorChecked; each result's CheckId keeps redelivery harmless, BatchId
/// only traces.
public sealed record MonitorCheckedBatch(Guid BatchId, IReadOnlyList<MonitorChecked> Results);
