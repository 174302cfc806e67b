using System.Net;
using Microsoft.AspNetCore.Hosting;
using static Sentinel.Gateway.Tests.GatewayFixture;
using static Sentinel.Gateway.Tests.Heartbeats.HeartbeatFixture;

namespace Sentinel.Gateway.Tests.Heartbeats;

/// Pings, flips and runs are read from their owners through the Gateway: tenant check first, paging passed through,
/// an owner that does not answer is a 503 problem.
public sealed class HeartbeatHistoryTests
{
    [Test]
    public async Task Pings_are_passed_through_from_telemetry_with_paging()
    {
        var monitor = await CreateHeartbeatAsync();
        var page = await ApiClient.GetFromJsonAsync<JsonElement>($"/api/v1/monitors/{monitor.Id}/pings?limit=10&cursor=abc");
        Assert.That(page.GetProperty("nextCursor").GetString(), Is.EqualTo("next-pings"));
        var ping = page.GetProperty("items")[0];
        Assert.That(ping.GetProperty("kind").GetString(), Is.EqualTo("fail"));
        Assert.That(ping.GetProperty("body").GetString(), Is.EqualTo("exit 3"));
        Assert.That(ping.GetProperty("exitStatus").GetInt32(), Is.EqualTo(3));
        Assert.That(Owners.Requests, Has.Member($"/internal/tenants/{TenantOf(monitor)}/monitors/{monitor.Id}/pings?limit=10&cursor=abc"));
    }

    [Test]
    public async Task Flips_and_runs_are_passed_through_from_alert_evaluation()
    {
        var monitor = await CreateHeartbeatAsync();
        var flips = await ApiClient.GetFromJsonAsync<JsonElement>($"/api/v1/monitors/{monitor.Id}/flips");
        Assert.That(flips.GetProperty("items")[0].GetProperty("to").GetString(), Is.EqualTo("down"));
        Assert.That(flips.GetProperty("items")[0].GetProperty("reason").GetString(), Is.EqualTo("late"));
        var runs = await ApiClient.GetFromJsonAsync<JsonElement>($"/api/v1/monitors/{monitor.Id}/runs?limit=5");
        Assert.That(runs.GetProperty("items")[0].GetProperty("durationMs").GetDouble(), Is.EqualTo(42_000));
        Assert.That(runs.GetProperty("items")[0].GetProperty("outcome").GetString(), Is.EqualTo("success"));
        Assert.That(Owners.Requests, Has.Some.EndsWith($"/monitors/{monitor.Id}/runs?limit=5"));
    }

    [TestCase("pings")]
    [TestCase("flips")]
    [TestCase("runs")]
    public async Task Another_tenants_monitor_is_a_404_and_its_owner_is_not_asked(string list)
    {
        var monitor = await CreateHeartbeatAsync();
        using var other = Client(GatewayFactory, OtherTenantSecret);
        await Expect.ProblemAsync(await other.GetAsync($"/api/v1/monitors/{monitor.Id}/{list}"), HttpStatusCode.NotFound);
        Assert.That(Owners.Requests, Has.None.Contains(monitor.Id.ToString()));
        await Expect.ValidationAsync(await ApiClient.GetAsync($"/api/v1/monitors/{monitor.Id}/{list}?limit=501"), "limit");
    }

    [TestCase("pings")]
    [TestCase("flips")]
    [TestCase("runs")]
    public async Task An_owner_that_does_not_answer_is_a_503_problem(string list)
    {
        await using var gateway = CreateFactory(Alerting.Url).WithWebHostBuilder(b =>
        {
            b.UseSetting("Services:TelemetryIngest", DeadUrl());
            b.UseSetting("Services:AlertEvaluation", DeadUrl());
        });
        using var api = Client(gateway, BootstrapSecret);
        var monitor = await CreateHeartbeatAsync(client: api);
        var started = DateTime.UtcNow;
        await Expect.ProblemAsync(await api.GetAsync($"/api/v1/monitors/{monitor.Id}/{list}"), HttpStatusCode.ServiceUnavailable,
            "https://sentinel.dev/problems/dependency-unavailable");
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    static Guid TenantOf(Sentinel.Gateway.Monitors.MonitorResponse monitor)
    {
        using var catalog = NewCatalog();
        return catalog.Monitors.Where(m => m.Id == monitor.Id).Select(m => m.TenantId).Single();
    }
}
