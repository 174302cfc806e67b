using Prometheus;

namespace Sentinel.TelemetryIngest.Pings;

static class PingMetrics
{
    /// Every ping taken off the queue, redeliveries included.
    public static readonly Counter PingsReceived = Metrics.CreateCounter(
        "sentinel_heartbeat_pings_received_total", "Heartbeat pings consumed from the queue, redeliveries included.");

    /// Rows newly stored: the true ingest rate.
    public static readonly Counter PingsStored = Metrics.CreateCounter(
        "sentinel_heartbeat_pings_stored_total", "Heartbeat pings newly stored in heartbeat_pings.");
}
