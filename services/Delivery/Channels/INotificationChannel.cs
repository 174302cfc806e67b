using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels;

/// One kind of channel (webhook, email, Slack, …), each in a folder of its own under Channels/, each formatting the
/// message the way its platform renders best. A kind reports what happened; whether to retry or give up is decided
/// by the delivery, not by the kind.
public interface INotificationChannel
{
    /// The Type a catalog channel of this kind carries, e.g. "webhook" (see ChannelKinds).
    string Type { get; }

    Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct);
}

public enum SendOutcome
{
    Delivered,
    /// Might succeed later: timeout, connection error, 408, 429, 5xx.
    Transient,
    /// Will not succeed by trying again: other 4xx, bad settings.
    Permanent,
}

/// RetryAfter is what the receiver asked for (429/503 Retry-After); it overrides the backoff.
public sealed record SendResult(SendOutcome Outcome, int? StatusCode, string? Error, TimeSpan? RetryAfter = null)
{
    public static SendResult Delivered(int? statusCode) => new(SendOutcome.Delivered, statusCode, null);
    public static SendResult Transient(int? statusCode, string error, TimeSpan? retryAfter = null) =>
        new(SendOutcome.Transient, statusCode, error, retryAfter);
    public static SendResult Permanent(int? statusCode, string error) => new(SendOutcome.Permanent, statusCode, error);
    public static SendResult BadSettings(string type) =>
        Permanent(null, $"the {type} channel's settings are missing or invalid");
}
