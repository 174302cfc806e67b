using Prometheus;
using StackExchange.Redis;

namespace Sentinel.AlertEvaluation.RateLimiting;

/// One window an alert counts against; Member is what is counted (an event, so its fan-out to several channels
/// counts once against a monitor or rule, and once per channel against each channel).
public sealed record RateLimit(string Key, int MaxAlerts, TimeSpan Window, string Member);

/// Allowed, or suppressed with the reason; Note says when the limiter could not be asked.
public sealed record RateVerdict(bool Allowed, string? Reason, string? Note)
{
    public static readonly RateVerdict Allow = new(true, null, null);
}

/// Sliding-window limits in Redis, checked and taken atomically by one Lua script over all the keys an alert counts
/// against (its rule or monitor, and its channel). Members are derived from the alert's ids, so evaluating the same
/// alert again (a retried batch) finds its own entries and is allowed without counting twice.
///
/// Fail-open: when Redis is unreachable the alert is sent unlimited and the history says so. Duplicates still cannot
/// happen, because whether an alert is due at all is decided by the state in PostgreSQL (and Delivery deduplicates
/// by notification id); what is lost while Redis is away is only the storm cap. Silence is the worse failure for an
/// alerting system, so it is the one we avoid.
public sealed class AlertRateLimiter(RedisConnection redis, TimeProvider clock, ILogger<AlertRateLimiter> log)
{
    public const string KeyPrefix = "sentinel:alerting:rate:";

    // KEYS: the limit keys. ARGV: now (ms), then window (ms), max and member for each key in order. A key that
    // already holds its member (the same alert evaluated again, or the same event fanned out to another channel)
    // is not counted again. Returns 0 when allowed (every member added), else the 1-based index of the first full key.
    const string Script = """
        local now = tonumber(ARGV[1])
        for i, key in ipairs(KEYS) do
          local window = tonumber(ARGV[3 * i - 1])
          local max = tonumber(ARGV[3 * i])
          if not redis.call('ZSCORE', key, ARGV[3 * i + 1]) then
            redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
            if redis.call('ZCARD', key) >= max then return i end
          end
        end
        for i, key in ipairs(KEYS) do
          local member = ARGV[3 * i + 1]
          if not redis.call('ZSCORE', key, member) then
            redis.call('ZADD', key, now, member)
            redis.call('PEXPIRE', key, tonumber(ARGV[3 * i - 1]))
          end
        end
        return 0
        """;

    static readonly Counter FailOpen = Metrics.CreateCounter(
        "sentinel_alerting_rate_limiter_fail_open_total", "Alerts sent without rate limiting because Redis was unreachable.");
    static readonly Counter Suppressed = Metrics.CreateCounter(
        "sentinel_alerting_rate_limited_total", "Alerts suppressed by a rate limit.");

    public async Task<RateVerdict> TryAcquireAsync(IReadOnlyList<RateLimit> limits, CancellationToken ct) =>
        (await TryAcquireAllAsync([limits], ct))[0];

    /// One verdict per alert, in order. The scripts are all sent before any is awaited, in the alerts' order on
    /// Redis's one connection, so the verdicts are those of asking one by one; a round of N alerts then waits one
    /// round trip instead of N (its state rows stay locked meanwhile).
    public async Task<RateVerdict[]> TryAcquireAllAsync(IReadOnlyList<IReadOnlyList<RateLimit>> perAlert, CancellationToken ct)
    {
        var verdicts = new RateVerdict[perAlert.Count];
        Array.Fill(verdicts, RateVerdict.Allow);
        if (perAlert.All(limits => limits.Count == 0))
            return verdicts;
        IDatabase? db;
        try
        {
            db = await redis.DatabaseAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Open(perAlert, verdicts, ex);
        }
        if (db is null)
            return Open(perAlert, verdicts, null);

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var calls = new Task<RedisResult>?[perAlert.Count];
        for (var a = 0; a < perAlert.Count; a++)
        {
            var limits = perAlert[a];
            if (limits.Count == 0)
                continue;
            var args = new RedisValue[1 + 3 * limits.Count];
            args[0] = now;
            for (var i = 0; i < limits.Count; i++)
            {
                args[1 + 3 * i] = (long)limits[i].Window.TotalMilliseconds;
                args[2 + 3 * i] = limits[i].MaxAlerts;
                args[3 + 3 * i] = limits[i].Member;
            }
            calls[a] = db.ScriptEvaluateAsync(Script, limits.Select(l => (RedisKey)(KeyPrefix + l.Key)).ToArray(), args);
        }
        for (var a = 0; a < perAlert.Count; a++)
        {
            if (calls[a] is not { } call)
                continue;
            try
            {
                var full = (int)await call.WaitAsync(ct);
                if (full == 0)
                    continue;
                Suppressed.Inc();
                var limit = perAlert[a][full - 1];
                verdicts[a] = new RateVerdict(false, $"rate limit: at most {limit.MaxAlerts} per {(long)limit.Window.TotalSeconds} s for {limit.Key}", null);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                verdicts[a] = Open(ex);
            }
        }
        return verdicts;
    }

    RateVerdict[] Open(IReadOnlyList<IReadOnlyList<RateLimit>> perAlert, RateVerdict[] verdicts, Exception? ex)
    {
        for (var a = 0; a < perAlert.Count; a++)
            if (perAlert[a].Count > 0)
                verdicts[a] = Open(ex);
        return verdicts;
    }

    RateVerdict Open(Exception? ex)
    {
        FailOpen.Inc();
        log.LogWarning(ex, "Redis is unreachable: alert sent without rate limiting (fail-open)");
        return new RateVerdict(true, null, "rate limiter unavailable: sent without rate limiting (fail-open)");
    }
}
