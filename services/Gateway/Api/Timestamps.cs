namespace Sentinel.Gateway.Api;

public static class Timestamps
{
    /// PostgreSQL keeps microseconds: truncating here makes what a write returns equal to what a later read returns.
    public static DateTimeOffset GetUtcNowForStorage(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
