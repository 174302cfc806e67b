using System.Collections.Concurrent;
using System.Globalization;
using Sentinel.Gateway.Api;

namespace Sentinel.Gateway.Heartbeats;

/// At most `Heartbeats:RateLimitPerMinute` (default 600, i.e. 10/s sustained) pings per token or ping key in a fixed
/// one-minute window, so a job stuck in a loop cannot flood the system; more is a 429 with Retry-After. Far above what
/// any cron job needs (Healthchecks.io's hosted service allows much less) and low enough that 10,000 runaway tokens
/// stay within what the pipeline carries. Counted per Gateway instance.
///
/// A counter per key, not ASP.NET's partitioned rate limiter: that one walks every partition ten times a second to
/// replenish it, which with 10,000 live tokens was most of the ping path's CPU after authentication. Here a window
/// simply starts over when a ping finds it a minute old, and a sweep once a minute forgets keys idle for a window.
public sealed class PingRateLimit : IDisposable
{
    static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    sealed class Counter(long start)
    {
        public long Start = start;
        public int Count;
    }

    readonly ConcurrentDictionary<string, Counter> counters = new(StringComparer.Ordinal);
    readonly TimeProvider clock;
    readonly ITimer sweep;
    readonly int perMinute;

    public PingRateLimit(IConfiguration configuration, TimeProvider clock)
    {
        this.clock = clock;
        perMinute = Math.Max(1, configuration.GetValue("Heartbeats:RateLimitPerMinute", 600));
        sweep = clock.CreateTimer(_ => Sweep(), null, Window, Window);
    }

    /// Counts one ping for the key; false (and how long until its window starts over) when the window is full.
    public bool TryAcquire(string key, out TimeSpan retryAfter)
    {
        var now = clock.GetTimestamp();
        var counter = counters.GetOrAdd(key, static (_, start) => new Counter(start), now);
        lock (counter)
        {
            if (clock.GetElapsedTime(counter.Start, now) >= Window)
            {
                counter.Start = now;
                counter.Count = 0;
            }
            if (counter.Count < perMinute)
            {
                counter.Count++;
                retryAfter = TimeSpan.Zero;
                return true;
            }
            retryAfter = Window - clock.GetElapsedTime(counter.Start, now);
            return false;
        }
    }

    /// The 429 every ping URL answers past the limit, as the Gateway's other limiters do.
    public IResult Rejected(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(
            $"This ping URL takes at most {perMinute} pings a minute; retry after {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many pings.", type: Problems.RateLimitedType,
            extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds });
    }

    void Sweep()
    {
        var now = clock.GetTimestamp();
        foreach (var (key, counter) in counters)
            if (clock.GetElapsedTime(counter.Start, now) >= Window)
                counters.TryRemove(new KeyValuePair<string, Counter>(key, counter));
    }

    public void Dispose() => sweep.Dispose();
}

public static class HeartbeatProblems
{
    public const string RateLimitedType = Problems.RateLimitedType;
    public const string MethodNotAllowedType = "https://sentinel.dev/problems/method-not-allowed";
    public const string PingNotAcceptedType = Problems.DependencyUnavailableType;
}
