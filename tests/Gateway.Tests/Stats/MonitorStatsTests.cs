using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.Gateway.Tenants;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Stats;

public sealed class MonitorStatsTests
{
    FakeTelemetryStats telemetry = null!;
    WebApplicationFactory<Program> gateway = null!;
    HttpClient api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        telemetry = await FakeTelemetryStats.StartAsync();
        gateway = Factory.WithWebHostBuilder(b => b.UseSetting("Services:TelemetryIngest", telemetry.Url));
        api = Client(gateway, BootstrapSecret);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        api?.Dispose();
        if (gateway is not null)
            await gateway.DisposeAsync();
        if (telemetry is not null)
            await telemetry.DisposeAsync();
    }

    [Test]
    public async Task Stats_of_the_callers_monitor_are_passed_through_from_Telemetry_Ingest()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);

        var stats = await api.GetFromJsonAsync<JsonElement>($"/api/v1/monitors/{monitor.Id}/stats?window=7d&series=1d");

        Assert.That(telemetry.Requests, Has.Member(
            $"/internal/tenants/{BootstrapApiKey.DefaultTenantId}/monitors/{monitor.Id}/stats?window=7d&series=1d"));
        Assert.Multiple(() =>
        {
            Assert.That(stats.GetProperty("monitorId").GetGuid(), Is.EqualTo(monitor.Id));
            Assert.That(stats.GetProperty("window").GetString(), Is.EqualTo("7d"));
            Assert.That(stats.GetProperty("checks").GetInt64(), Is.EqualTo(10080));
            Assert.That(stats.GetProperty("uptimePercent").GetDouble(), Is.EqualTo(99.95));
            Assert.That(stats.GetProperty("downtimeSeconds").GetDouble(), Is.EqualTo(300.5));
            Assert.That(stats.GetProperty("latency").GetProperty("p99Ms").GetDouble(), Is.EqualTo(120));
            Assert.That(stats.GetProperty("percentilesExact").GetBoolean(), Is.False);
            Assert.That(stats.GetProperty("buckets")[0].GetProperty("checks").GetInt64(), Is.EqualTo(1440));
        });
    }

    [Test]
    public async Task A_location_filter_is_passed_to_Telemetry_Ingest()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);

        await api.GetFromJsonAsync<JsonElement>($"/api/v1/monitors/{monitor.Id}/stats?window=30d&location=eu-west");

        Assert.That(telemetry.Requests, Has.Member(
            $"/internal/tenants/{BootstrapApiKey.DefaultTenantId}/monitors/{monitor.Id}/stats?window=30d&location=eu-west"));
    }

    [Test]
    public async Task The_window_defaults_to_24_hours()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);

        await api.GetFromJsonAsync<JsonElement>($"/api/v1/monitors/{monitor.Id}/stats");

        Assert.That(telemetry.Requests, Has.Member(
            $"/internal/tenants/{BootstrapApiKey.DefaultTenantId}/monitors/{monitor.Id}/stats?window=24h"));
    }

    [Test]
    public async Task Another_tenants_monitor_is_404_and_Telemetry_is_not_asked()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        using var other = Client(gateway, OtherTenantSecret);

        await Expect.ProblemAsync(await other.GetAsync($"/api/v1/monitors/{monitor.Id}/stats"), HttpStatusCode.NotFound,
            "https://sentinel.dev/problems/not-found");
        Assert.That(telemetry.Requests.Where(r => r.Contains(monitor.Id.ToString())), Is.Empty);
    }

    [TestCase("?window=2d", "window")]
    [TestCase("?window=365d&series=1h", "series")]
    [TestCase("?series=5m", "series")]
    public async Task Bad_query_values_are_a_validation_problem(string query, string field)
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);

        await Expect.ValidationAsync(await api.GetAsync($"/api/v1/monitors/{monitor.Id}/stats{query}"), field);
        Assert.That(telemetry.Requests.Where(r => r.Contains(monitor.Id.ToString())), Is.Empty);
    }

    [Test]
    public async Task Stats_are_503_problem_when_Telemetry_Ingest_is_unreachable()
    {
        using var deadTelemetry = Client(BootstrapSecret); // the shared Gateway points Telemetry-Ingest at a dead port
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(deadTelemetry);

        await Expect.ProblemAsync(await deadTelemetry.GetAsync($"/api/v1/monitors/{monitor.Id}/stats?window=1h"),
            HttpStatusCode.ServiceUnavailable, "https://sentinel.dev/problems/dependency-unavailable");
    }
}
