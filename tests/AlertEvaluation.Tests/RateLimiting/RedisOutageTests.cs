using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Data;
using Sentinel.Testing;
using static Sentinel.AlertEvaluation.Tests.Alerting;

namespace Sentinel.AlertEvaluation.Tests.RateLimiting;

/// Alert-Evaluation on a Redis of its own (and its own database and vhost), which the test stops and restarts
/// in the middle of a storm.
public sealed class RedisOutageTests
{
    [Test]
    public async Task Alerts_keep_flowing_exactly_once_while_Redis_is_stopped_and_restarted_mid_storm()
    {
        using var redis = new OwnRedis();
        await redis.StartAsync();
        await using var database = await TestDatabase.CreateAsync("alerting_redis_outage");
        await using var vhost = await TestVirtualHost.CreateAsync("alerting-redis-outage");
        await using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", database.ConnectionString + ";Maximum Pool Size=8");
            b.UseSetting("RabbitMq:VirtualHost", vhost.Name);
            b.UseSetting("Redis:Configuration", redis.Configuration);
            b.UseSetting("Outbox:PollMilliseconds", "50");
        });
        await using (var scope = host.Services.CreateAsyncScope())
            await DatabaseExtensions.MigrateAsync<AlertingDb>(scope.ServiceProvider, CancellationToken.None);
        using var client = host.CreateClient();
        var sent = new ConcurrentQueue<SendNotification>();
        var delivery = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, ushort.Parse(TestInfrastructure.RabbitPort), vhost.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            cfg.ReceiveEndpoint(Queues.SendNotification, e => e.Handler<SendNotification>(c =>
            {
                sent.Enqueue(c.Message);
                return Task.CompletedTask;
            }));
        });
        await delivery.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            var tenant = Guid.NewGuid();
            var monitors = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid()).ToList();
            await bus.PublishBatch(monitors.Select(m => Monitor(m, tenant, [Guid.NewGuid()])));
            await Poll.UntilAsync(() => database.CountAsync("select count(*) from alerting.monitors"), n => n == 60, Wait, "monitor copies");

            async Task StormAsync(IEnumerable<Guid> wave, int expectedTotal)
            {
                var results = wave.Select(m => Result(m, tenant, up: false)).ToList();
                await bus.PublishBatch(results);
                await bus.PublishBatch(results); // redelivered while it happens
                await Poll.UntilAsync(() => Task.FromResult(sent.Count), n => n >= expectedTotal, Wait, $"{expectedTotal} alerts");
            }

            await StormAsync(monitors.Take(20), 20);
            redis.Stop();
            await StormAsync(monitors.Skip(20).Take(20), 40);
            Assert.That(await database.CountAsync(
                "select count(*) from alerting.alert_history where kind = 'notified' and detail like '%fail-open%'"), Is.EqualTo(20),
                "every alert during the outage went out, and the history says it went out unlimited");

            await redis.StartAsync();
            await Poll.UntilAsync(
                async () => (await client.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("checks").GetProperty("redis").GetProperty("status").GetString(),
                s => s == "Healthy", Wait, "the limiter to reconnect");
            await StormAsync(monitors.Skip(40), 60);
            await Task.Delay(TimeSpan.FromSeconds(1));

            Assert.That(sent, Has.Count.EqualTo(60), "one alert per monitor: nothing lost, nothing twice");
            Assert.That(sent.Select(n => n.NotificationId).Distinct().Count(), Is.EqualTo(60));
            Assert.That(await database.CountAsync(
                "select count(*) from alerting.alert_history where kind = 'notified' and detail like '%fail-open%'"), Is.EqualTo(20),
                "limited again once Redis is back");
        }
        finally
        {
            await delivery.StopAsync();
        }
    }
}
