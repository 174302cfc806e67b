namespace Sentinel.Delivery.Notifications;

/// The `Delivery` configuration section.
public sealed class DeliveryOptions
{
    /// Tries per notification, the first included.
    public int MaxAttempts { get; set; } = 5;
    /// Backoff before retry n is RetryBaseSeconds × 2^(n-1), capped at RetryMaxSeconds, with jitter (50–100 %).
    public double RetryBaseSeconds { get; set; } = 10;
    public double RetryMaxSeconds { get; set; } = 600;
    /// A receiver's Retry-After is honoured up to this.
    public double MaxRetryAfterSeconds { get; set; } = 3600;
    /// How often SendLoop looks for due retries (a newly recorded notification wakes it at once).
    public int RetryPollMilliseconds { get; set; } = 1000;
    /// Sends in flight at once in this instance (SendLoop), first tries and retries together. Sends wait on the
    /// network, not the CPU: 2,000 notifications/s to receivers answering in 50 ms need ~100 in flight.
    public int SendConcurrency { get; set; } = 512;
    /// Due deliveries claimed per statement.
    public int ClaimBatch { get; set; } = 500;
    /// A try in progress holds its row this long; longer than any send's timeout.
    public double LeaseSeconds { get; set; } = 120;
    /// Sends in flight at once to one channel, so one slow endpoint cannot take every sender.
    public int PerChannelConcurrency { get; set; } = 8;
    /// Notifications per channel that wait in memory for a free slot of that channel (each holds a SendLoop slot).
    public int PerChannelQueue { get; set; } = 128;
    /// The longest such a wait; well under LeaseSeconds − TimeoutSeconds, so the row's lease outlives wait and send.
    public double BusyWaitSeconds { get; set; } = 30;
    /// A notification that finds its channel full and its queue full (or waited BusyWaitSeconds) is put off this long
    /// (not counted as an attempt).
    public int BusyDeferMilliseconds { get; set; } = 200;
    /// HTTP and SMTP timeout of one send.
    public double TimeoutSeconds { get; set; } = 10;
    /// Where a person sees the incident; `{incidentId}` is replaced.
    public string IncidentUrl { get; set; } = "http://localhost:5080/api/v1/incidents/{incidentId}";
}
