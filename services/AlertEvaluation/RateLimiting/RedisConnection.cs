using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Sentinel.AlertEvaluation.RateLimiting;

/// One multiplexer per process, connected lazily and reconnecting in the background: a Redis that is down at start
/// or goes away later never stops the service (see AlertRateLimiter for what happens meanwhile).
public sealed class RedisConnection(IConfiguration configuration, ILogger<RedisConnection> log) : IAsyncDisposable
{
    readonly SemaphoreSlim gate = new(1, 1);
    ConnectionMultiplexer? multiplexer;

    public async Task<IDatabase?> DatabaseAsync()
    {
        var current = multiplexer ?? await ConnectAsync();
        return current.IsConnected ? current.GetDatabase() : null;
    }

    async Task<ConnectionMultiplexer> ConnectAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (multiplexer is not null)
                return multiplexer;
            var options = ConfigurationOptions.Parse(configuration["Redis:Configuration"] ?? "localhost:6379");
            options.AbortOnConnectFail = false; // keep trying in the background instead of failing the caller
            options.ConnectTimeout = configuration.GetValue("Redis:ConnectTimeoutMilliseconds", 2000);
            options.SyncTimeout = options.AsyncTimeout = configuration.GetValue("Redis:TimeoutMilliseconds", 500);
            options.ReconnectRetryPolicy = new LinearRetry(500);
            multiplexer = await ConnectionMultiplexer.ConnectAsync(options);
            multiplexer.ConnectionFailed += (_, e) => log.LogWarning(e.Exception, "Redis connection to {Endpoint} failed: {FailureType}", e.EndPoint, e.FailureType);
            multiplexer.ConnectionRestored += (_, e) => log.LogInformation("Redis connection to {Endpoint} restored", e.EndPoint);
            return multiplexer;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (multiplexer is not null)
            await multiplexer.DisposeAsync();
        gate.Dispose();
    }
}

/// Readiness: Redis answers a PING. Degraded rather than unhealthy when it does not, because alerting goes on without
/// it (fail-open rate limiting), so an orchestrator must not take the evaluator out of service for it.
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = await redis.DatabaseAsync();
            if (db is null)
                return new HealthCheckResult(context.Registration.FailureStatus, "Redis is not connected; rate limits are not enforced (fail-open).");
            var latency = await db.PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis did not answer PING; rate limits are not enforced (fail-open).", ex);
        }
    }
}
