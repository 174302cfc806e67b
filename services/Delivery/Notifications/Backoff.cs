namespace Sentinel.Delivery.Notifications;

public static class Backoff
{
    /// The wait before try number nextAttempt (2, 3, …): exponential with jitter, so a burst of failures to one
    /// receiver does not come back as one burst; a receiver's Retry-After wins when it asks for longer.
    public static TimeSpan Before(int nextAttempt, TimeSpan? retryAfter, DeliveryOptions options, Random random)
    {
        var exponential = options.RetryBaseSeconds * Math.Pow(2, Math.Max(0, nextAttempt - 2));
        var capped = Math.Min(exponential, options.RetryMaxSeconds);
        var jittered = TimeSpan.FromSeconds(capped * (0.5 + random.NextDouble() * 0.5));
        if (retryAfter is not { } asked)
            return jittered;
        var honoured = TimeSpan.FromSeconds(Math.Min(Math.Max(0, asked.TotalSeconds), options.MaxRetryAfterSeconds));
        return honoured > jittered ? honoured : jittered;
    }
}
