using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Sentinel.Gateway.Api;

namespace Sentinel.Gateway.Heartbeats;

/// At most `Heartbeats:RateLimitPerMinute` (default 600, i.e. 10/s sustained) pings per token or ping key in a fixed
/// one-minute window, so a job stuck in a loop cannot flood the system; more is a 429 with Retry-After. Far above what
/// any cron job needs (Healthchecks.io's hosted service allows much less) and low enough that 10,000 runaway tokens
/// stay within what the pipeline carries. Counted per Gateway instance.
public sealed class PingRateLimit(IConfiguration configuration) : IRateLimiterPolicy<string>
{
    public const string Policy = "heartbeat-ping";

    readonly int perMinute = Math.Max(1, configuration.GetValue("Heartbeats:RateLimitPerMinute", 600));

    public RateLimitPartition<string> GetPartition(HttpContext http) =>
        RateLimitPartition.GetFixedWindowLimiter(http.Request.RouteValues["key"] as string ?? "", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (context, _) =>
        RateLimits.WriteRejectionAsync(context, TimeSpan.FromMinutes(1), "Too many pings.",
            seconds => $"This ping URL takes at most {perMinute} pings a minute; retry after {seconds} s.");
}

public static class HeartbeatProblems
{
    public const string RateLimitedType = Problems.RateLimitedType;
    public const string MethodNotAllowedType = "https://sentinel.dev/problems/method-not-allowed";
    public const string PingNotAcceptedType = Problems.DependencyUnavailableType;
}
