using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.Checker.Tests.Checks.Http;
using Sentinel.Contracts;
using Sentinel.Testing;

namespace Sentinel.Checker.Tests.Checks;

/// The internal endpoint behind the Gateway's check-now, and the metrics every check records.
public sealed class CheckNowEndpointTests
{
    TargetServer target = null!;
    WebApplicationFactory<Program> checker = null!;
    HttpClient client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        target = await TargetServer.StartAsync();
        checker = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            b.UseSetting("RabbitMq:VirtualHost", TestRun.VirtualHost.Name));
        client = checker.CreateClient();
        await Poll.UntilAsync(async () => (await client.GetAsync("/health/live")).IsSuccessStatusCode, ok => ok,
            TimeSpan.FromSeconds(30), "the Checker to start");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        client.Dispose();
        await checker.DisposeAsync();
        await target.DisposeAsync();
    }

    [Test]
    public async Task Posting_a_due_check_runs_it_at_once_and_answers_the_result_with_its_conditions()
    {
        var due = Checks.Due("http",
            new HttpCheckSpec(target.Url("/json").ToString(), "GET", new Dictionary<string, string>(), null, [], true, false),
            new CheckSpec(Conditions: ["[BODY].status == UP", "[RESPONSE_TIME] < 1"]));

        var response = await client.PostAsJsonAsync("/internal/checks", due);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var result = (await response.Content.ReadFromJsonAsync<MonitorChecked>())!;
        Assert.That(result.CheckId, Is.EqualTo(due.CheckId));
        Assert.That(result.StatusCode, Is.EqualTo(200));
        Assert.That(result.Conditions!.Select(c => c.Condition), Is.EqualTo(new[] { "[BODY].status == UP", "[RESPONSE_TIME] < 1" }));
        Assert.That(result.Conditions![0].Success, Is.True);
        Assert.That(result.Up, Is.EqualTo(result.Conditions![1].Success), "up only when every condition holds");
    }

    [Test]
    public async Task Metrics_expose_schedule_lag_duration_throughput_and_in_flight_checks()
    {
        await client.PostAsJsonAsync("/internal/checks", Checks.Due("tcp", check: new CheckSpec(Tcp: new TcpCheckSpec("127.0.0.1", Ports.Closed()))));

        var metrics = await client.GetStringAsync("/metrics");

        Assert.That(metrics, Does.Contain("sentinel_check_start_lag_seconds_bucket"));
        Assert.That(metrics, Does.Contain("sentinel_check_duration_seconds_bucket{type=\"tcp\""));
        Assert.That(metrics, Does.Contain("sentinel_checks_total{type=\"tcp\",outcome=\"down\"}"));
        Assert.That(metrics, Does.Contain("sentinel_checks_in_flight 0"));
    }
}
