using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sentinel.AlertEvaluation.RateLimiting;
using Sentinel.Testing;

namespace Sentinel.AlertEvaluation.Tests.RateLimiting;

/// The limiter against a real Redis, with a fake clock for the window edges.
public sealed class AlertRateLimiterTests
{
    static RedisConnection Connect(string configuration) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = configuration,
            ["Redis:ConnectTimeoutMilliseconds"] = "1000",
        }).Build(), NullLogger<RedisConnection>.Instance);

    static RateLimit Limit(string key, string member, int max = 2) => new(key, max, TimeSpan.FromSeconds(60), member);

    [Test]
    public async Task The_sliding_window_admits_max_alerts_and_frees_a_slot_exactly_one_window_after_the_oldest()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        await using var redis = Connect(TestInfrastructure.RedisConfiguration);
        var limiter = new AlertRateLimiter(redis, clock, NullLogger<AlertRateLimiter>.Instance);
        var key = $"test:{Guid.NewGuid()}";

        Assert.That((await limiter.TryAcquireAsync([Limit(key, "a")], default)).Allowed, Is.True);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await limiter.TryAcquireAsync([Limit(key, "b")], default)).Allowed, Is.True);
        var third = await limiter.TryAcquireAsync([Limit(key, "c")], default);
        Assert.That(third.Allowed, Is.False);
        Assert.That(third.Reason, Does.Contain("at most 2 per 60 s"));
        Assert.That((await limiter.TryAcquireAsync([Limit(key, "b")], default)).Allowed, Is.True, "the same alert again is not counted twice");

        clock.Advance(TimeSpan.FromSeconds(59) - TimeSpan.FromMilliseconds(1)); // 1 ms before "a" leaves the window
        Assert.That((await limiter.TryAcquireAsync([Limit(key, "c")], default)).Allowed, Is.False);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That((await limiter.TryAcquireAsync([Limit(key, "c")], default)).Allowed, Is.True);

        var ttl = await (await redis.DatabaseAsync())!.KeyTimeToLiveAsync(AlertRateLimiter.KeyPrefix + key);
        Assert.That(ttl, Is.Not.Null.And.LessThanOrEqualTo(TimeSpan.FromSeconds(60)), "every key expires");
    }

    [Test]
    public async Task A_full_key_blocks_the_alert_without_counting_it_against_the_other_keys()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var redis = Connect(TestInfrastructure.RedisConfiguration);
        var limiter = new AlertRateLimiter(redis, clock, NullLogger<AlertRateLimiter>.Instance);
        var (rule, channel) = ($"rule:{Guid.NewGuid()}", $"channel:{Guid.NewGuid()}");

        Assert.That((await limiter.TryAcquireAsync([Limit(rule, "e1", max: 1), Limit(channel, "n1")], default)).Allowed, Is.True);
        Assert.That((await limiter.TryAcquireAsync([Limit(rule, "e2", max: 1), Limit(channel, "n2")], default)).Allowed, Is.False);
        // The channel still has room for one more: the rejected alert took nothing from it.
        Assert.That((await limiter.TryAcquireAsync([Limit(channel, "n3")], default)).Allowed, Is.True);
        Assert.That((await limiter.TryAcquireAsync([Limit(channel, "n4")], default)).Allowed, Is.False);
    }

    [Test]
    public async Task A_round_of_alerts_asked_at_once_gets_the_verdicts_of_asking_one_by_one_in_order()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var redis = Connect(TestInfrastructure.RedisConfiguration);
        var limiter = new AlertRateLimiter(redis, clock, NullLogger<AlertRateLimiter>.Instance);
        var (rule, channel) = ($"rule:{Guid.NewGuid()}", $"channel:{Guid.NewGuid()}");

        var verdicts = await limiter.TryAcquireAllAsync(
        [
            [Limit(channel, "n1", max: 3)],
            [], // a recovery counts against nothing
            [Limit(rule, "e1", max: 1), Limit(channel, "n2", max: 3)],
            [Limit(rule, "e2", max: 1), Limit(channel, "n3", max: 3)], // the rule is full: takes no channel slot
            [Limit(channel, "n4", max: 3)],
            [Limit(channel, "n5", max: 3)],
            [Limit(channel, "n1", max: 3)], // the first alert again: not counted twice
        ], default);

        Assert.That(verdicts.Select(v => v.Allowed), Is.EqualTo(new[] { true, true, true, false, true, false, true }));
        Assert.That(verdicts[3].Reason, Does.Contain(rule));
        Assert.That(verdicts[5].Reason, Does.Contain(channel));
    }

    [Test]
    public async Task With_Redis_stopped_alerts_pass_at_once_and_limits_return_when_it_is_back()
    {
        using var own = new OwnRedis();
        await own.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var redis = Connect(own.Configuration);
        var limiter = new AlertRateLimiter(redis, clock, NullLogger<AlertRateLimiter>.Instance);
        var key = $"storm:{Guid.NewGuid()}";
        Assert.That((await limiter.TryAcquireAsync([Limit(key, "1", max: 1)], default)).Allowed, Is.True);
        Assert.That((await limiter.TryAcquireAsync([Limit(key, "2", max: 1)], default)).Allowed, Is.False);

        own.Stop();
        var watch = Stopwatch.StartNew();
        var verdicts = new List<RateVerdict>();
        for (var i = 0; i < 20; i++)
            verdicts.Add(await limiter.TryAcquireAsync([Limit(key, $"down-{i}", max: 1)], default));
        Assert.That(verdicts.All(v => v.Allowed), Is.True, "fail-open: an unreachable limiter never silences alerts");
        Assert.That(verdicts.All(v => v.Note!.Contains("fail-open")), Is.True, "and the history says so");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "without waiting a timeout per alert");

        await own.StartAsync();
        var limited = await Poll.UntilAsync(
            () => limiter.TryAcquireAsync([Limit(key, $"after-{Guid.NewGuid()}", max: 1)], default),
            v => v.Note is null, TimeSpan.FromSeconds(30), "the limiter to reconnect");
        Assert.That(limited.Allowed, Is.True, "the restarted Redis is empty: the first alert takes the slot");
        Assert.That((await limiter.TryAcquireAsync([Limit(key, "again", max: 1)], default)).Allowed, Is.False, "limits hold again");
    }
}
