using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.Gateway.Heartbeats;
using Sentinel.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;
using static Sentinel.Gateway.Tests.Heartbeats.HeartbeatFixture;

namespace Sentinel.Gateway.Tests.Heartbeats;

/// "OK" only once RabbitMQ holds the ping: batching, broker failures and the per-token rate limit.
public sealed class PingDeliveryTests
{
    [Test]
    public async Task Concurrent_pings_go_out_in_batches_and_each_is_answered_only_after_its_batch_was_confirmed()
    {
        var monitors = new List<Sentinel.Gateway.Monitors.MonitorResponse>();
        for (var i = 0; i < 5; i++)
            monitors.Add(await CreateHeartbeatAsync());
        using var client = GatewayFactory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            client.PostAsync($"/ping/{TokenOf(monitors[i % 5])}", new StringContent($"ping {i}"))));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        var ids = monitors.Select(m => m.Id).ToHashSet();
        await Poll.UntilAsync(() => Task.FromResult(Batches.SelectMany(b => b.Pings).Count(p => ids.Contains(p.MonitorId))),
            count => count >= 200, TimeSpan.FromSeconds(20), "200 published pings");
        var batches = Batches.Where(b => b.Pings.Any(p => ids.Contains(p.MonitorId))).ToList();
        Assert.That(batches.SelectMany(b => b.Pings).Count(p => ids.Contains(p.MonitorId)), Is.EqualTo(200), "each ping once");
        Assert.That(batches.SelectMany(b => b.Pings).Select(p => p.PingId).Distinct().Count(), Is.EqualTo(batches.Sum(b => b.Pings.Count)));
        Assert.That(batches.Count, Is.LessThan(200), "pings share batches");
    }

    [Test]
    public async Task An_unreachable_broker_answers_503_with_Retry_After_within_seconds_and_never_200()
    {
        await using var gateway = CreateFactory(Alerting.Url).WithWebHostBuilder(b =>
        {
            b.UseSetting("RabbitMq:Port", new Uri(DeadUrl()).Port.ToString());
            b.UseSetting("Heartbeats:PublishTimeoutSeconds", "2");
        });
        var monitor = await CreateHeartbeatAsync(client: Client(gateway, BootstrapSecret));
        using var client = gateway.CreateClient();

        var started = DateTime.UtcNow;
        var response = await client.PostAsync($"/ping/{TokenOf(monitor)}", new StringContent("lost?"));
        await Expect.ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(8)));
    }

    [Test]
    public async Task A_batch_no_queue_is_bound_to_is_returned_by_the_broker_and_answered_503()
    {
        // A virtual host where nothing consumes HeartbeatsPacked: confirmed-but-dropped must not read as stored.
        await using var vhost = await TestVirtualHost.CreateAsync("gateway_hb_unbound");
        await using var gateway = CreateFactory(Alerting.Url).WithWebHostBuilder(b => b.UseSetting("RabbitMq:VirtualHost", vhost.Name));
        var monitor = await CreateHeartbeatAsync(client: Client(gateway, BootstrapSecret));
        using var client = gateway.CreateClient();

        var response = await client.GetAsync($"/ping/{TokenOf(monitor)}");
        await Expect.ProblemAsync(response, HttpStatusCode.ServiceUnavailable);

        // Once a consumer's queue is bound, the same URL is stored and answered OK.
        var received = new ConcurrentQueue<HeartbeatsReceived>();
        var observer = await StartObserverAsync(vhost.Name, "late-consumer", received);
        try
        {
            var ok = await client.GetAsync($"/ping/{TokenOf(monitor)}");
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await Poll.UntilAsync(() => Task.FromResult(received.Count), n => n > 0, TimeSpan.FromSeconds(20), "the batch");
        }
        finally
        {
            await observer.StopAsync();
        }
    }

    [Test]
    public async Task More_pings_than_the_per_token_limit_are_429_with_Retry_After_while_other_tokens_go_on()
    {
        await using var gateway = CreateFactory(Alerting.Url).WithWebHostBuilder(b => b.UseSetting("Heartbeats:RateLimitPerMinute", "3"));
        using var api = Client(gateway, BootstrapSecret);
        var busy = await CreateHeartbeatAsync(client: api);
        var quiet = await CreateHeartbeatAsync(client: api);
        using var client = gateway.CreateClient();

        for (var i = 0; i < 3; i++)
            Assert.That((await client.GetAsync($"/ping/{TokenOf(busy)}/{(i == 0 ? "start" : "0")}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var limited = await client.GetAsync($"/ping/{TokenOf(busy)}");
        await Expect.ProblemAsync(limited, HttpStatusCode.TooManyRequests, "https://sentinel.dev/problems/rate-limited");
        Assert.That(limited.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        Assert.That((await client.GetAsync($"/api/push/{TokenOf(busy)}")).StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests),
            "the Kuma URL counts against the same token");

        Assert.That((await client.GetAsync($"/ping/{TokenOf(quiet)}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Pings_and_batches_are_counted_in_the_metrics()
    {
        var monitor = await CreateHeartbeatAsync();
        using var client = GatewayFactory.CreateClient();
        Assert.That((await client.GetAsync($"/ping/{TokenOf(monitor)}/log")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var metrics = await client.GetStringAsync("/metrics");
        Assert.That(metrics, Does.Contain("sentinel_heartbeat_pings_total{kind=\"log\"}"));
        Assert.That(metrics, Does.Match("sentinel_heartbeat_batches_published_total [1-9]"));
        Assert.That(metrics, Does.Contain("sentinel_heartbeat_publish_failures_total"));
        Assert.That(metrics, Does.Match("sentinel_heartbeat_batch_wait_seconds_count [1-9]"));
        Assert.That(metrics, Does.Match("sentinel_heartbeat_publish_seconds_count [1-9]"));
    }

    [Test]
    public async Task Stopping_publishes_what_was_buffered_so_every_waiting_ping_is_answered_OK_and_later_ones_503()
    {
        await using var gateway = CreateFactory(Alerting.Url).WithWebHostBuilder(b => b.UseSetting("Heartbeats:BatchMilliseconds", "500"));
        var monitor = await CreateHeartbeatAsync(client: Client(gateway, BootstrapSecret));
        using var client = gateway.CreateClient();
        var publisher = gateway.Services.GetRequiredService<HeartbeatPublisher>();

        var pings = Enumerable.Range(0, 20).Select(_ => client.GetAsync($"/ping/{TokenOf(monitor)}")).ToList();
        await Task.Delay(150); // buffered, the batch still lingering
        await publisher.StopAsync(CancellationToken.None); // what host shutdown does (the server first drains requests)

        var answers = await Task.WhenAll(pings);
        Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        await Poll.UntilAsync(() => Task.FromResult(PingsOf(monitor.Id).Count()), n => n == 20, TimeSpan.FromSeconds(20),
            "the 20 buffered pings to be published");
        await Expect.ProblemAsync(await client.GetAsync($"/ping/{TokenOf(monitor)}"), HttpStatusCode.ServiceUnavailable);
    }
}
