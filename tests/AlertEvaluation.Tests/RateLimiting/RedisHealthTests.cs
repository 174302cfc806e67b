using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Sentinel.AlertEvaluation.Tests.RateLimiting;

public sealed class RedisHealthTests
{
    [Test]
    public async Task Readiness_checks_Redis_and_reports_it_degraded_not_unready_when_it_is_gone()
    {
        using var client = AlertEvaluationHost.Factory.CreateClient();
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.That(ready.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString(), Is.EqualTo("Healthy"));

        using var own = new OwnRedis(); // never started: nothing listens on its port
        await using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", AlertEvaluationHost.Database.ConnectionString + ";Maximum Pool Size=4");
            b.UseSetting("RabbitMq:VirtualHost", AlertEvaluationHost.VirtualHost.Name);
            b.UseSetting("Redis:Configuration", own.Configuration);
            b.UseSetting("Redis:ConnectTimeoutMilliseconds", "500");
        });
        using var other = host.CreateClient();
        // Wait until everything but Redis is up (the broker connection takes a moment; the shared PostgreSQL may be
        // restarted by other test runs), so the status code below is about Redis alone.
        var (response, body) = await Sentinel.Testing.Poll.UntilAsync(
            async () =>
            {
                var r = await other.GetAsync("/health/ready");
                return (r, await r.Content.ReadFromJsonAsync<JsonElement>());
            },
            x => x.Item2.GetProperty("checks").EnumerateObject().Where(c => c.Name != "redis")
                .All(c => c.Value.GetProperty("status").GetString() == "Healthy"),
            TimeSpan.FromSeconds(30), "the other dependencies to be ready");
        Assert.That(body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString(), Is.EqualTo("Degraded"));
        Assert.That(body.GetProperty("checks").GetProperty("redis").GetProperty("description").GetString(), Does.Contain("fail-open"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "alerting goes on without Redis, so the replica stays in service");
    }
}
