using Sentinel.Contracts;

namespace Sentinel.Delivery.Channels;

/// One kind of channel (webhook; email, Slack, … to come), each in a folder of its own under Channels/.
/// A kind reports what happened; whether to retry or give up is decided by the delivery, not by the kind.
public interface INotificationChannel
{
    /// The Type a catalog channel of this kind carries, e.g. "webhook".
    string Type { get; }

    Task<SendResult> SendAsync(Channel channel, SendNotification notification, CancellationToken ct);
}

public enum SendOutcome
{
    Delivered,
    /// Might succeed later: timeout, connection error, 408, 429, 5xx.
    Transient,
    /// Will not succeed by trying again: other 4xx, bad settings.
    Permanent,
}

public sealed record SendResult(SendOutcome Outcome, int? StatusCode, string? Error)
{
    public static SendResult Delivered(int? statusCode) => new(SendOutcome.Delivered, statusCode, null);
    public static SendResult Transient(int? statusCode, string error) => new(SendOutcome.Transient, statusCode, error);
    public static SendResult Permanent(int? statusCode, string error) => new(SendOutcome.Permanent, statusCode, error);
}
