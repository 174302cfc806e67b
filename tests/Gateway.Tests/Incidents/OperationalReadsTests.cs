using System.Net;
using Sentinel.Gateway.Tenants;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Incidents;

/// Incidents and deliveries come from a loopback fake of the owners' internal APIs; results from an address where
/// nothing listens, to see the 503.
public sealed class OperationalReadsTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient()
    {
        api = Client(BootstrapSecret);
        Alerting.TenantId = BootstrapApiKey.DefaultTenantId;
    }

    [TearDown]
    public void DisposeClient() => api.Dispose();

    [Test]
    public async Task Incidents_are_passed_through_unchanged_for_the_callers_tenant()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        Alerting.MonitorId = monitor.Id;

        var page = await api.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?monitorId={monitor.Id}&status=resolved&limit=10&cursor=abc");

        Assert.That(Alerting.Requests, Has.Member(
            $"/internal/tenants/{BootstrapApiKey.DefaultTenantId}/incidents?monitorId={monitor.Id}&status=resolved&limit=10&cursor=abc"));
        var incident = page.GetProperty("items")[0];
        Assert.Multiple(() =>
        {
            Assert.That(page.GetProperty("nextCursor").GetString(), Is.EqualTo("next-page"));
            Assert.That(incident.GetProperty("id").GetGuid(), Is.EqualTo(Alerting.IncidentId));
            Assert.That(incident.GetProperty("monitorId").GetGuid(), Is.EqualTo(monitor.Id));
            Assert.That(incident.GetProperty("monitorName").GetString(), Is.EqualTo("api"));
            Assert.That(incident.GetProperty("status").GetString(), Is.EqualTo("resolved"));
            Assert.That(incident.GetProperty("error").GetString(), Is.EqualTo("HTTP 503"));
            Assert.That(incident.GetProperty("firstFailureAt").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(incident.GetProperty("resolvedAt").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 10, 5, TimeSpan.Zero)));
            Assert.That(incident.GetProperty("durationSeconds").GetInt64(), Is.EqualTo(600));
        });

        var one = await api.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{Alerting.IncidentId}");
        Assert.That(one.GetProperty("id").GetGuid(), Is.EqualTo(Alerting.IncidentId));

        var byMonitor = await api.GetFromJsonAsync<JsonElement>($"/api/v1/monitors/{monitor.Id}/incidents");
        Assert.That(byMonitor.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task Another_tenants_incident_is_404()
    {
        using var other = Client(OtherTenantSecret);
        await Expect.ProblemAsync(await other.GetAsync($"/api/v1/incidents/{Alerting.IncidentId}"), HttpStatusCode.NotFound,
            "https://sentinel.dev/problems/not-found");
        var page = await other.GetFromJsonAsync<JsonElement>("/api/v1/incidents");
        Assert.That(page.GetProperty("items").GetArrayLength(), Is.Zero);
    }

    [TestCase("/api/v1/incidents?limit=0", "limit")]
    [TestCase("/api/v1/incidents?limit=501", "limit")]
    [TestCase("/api/v1/incidents?status=burning", "status")]
    [TestCase("/api/v1/deliveries?limit=0", "limit")]
    public async Task Bad_query_parameters_are_validation_problems(string path, string field) =>
        await Expect.ValidationAsync(await api.GetAsync(path), field);

    [Test]
    public async Task A_monitor_id_that_is_not_a_uuid_is_a_bad_request() =>
        await Expect.ProblemAsync(await api.GetAsync("/api/v1/incidents?monitorId=nope"), HttpStatusCode.BadRequest,
            "https://sentinel.dev/problems/malformed-request");

    [Test]
    public async Task Deliveries_are_passed_through_for_the_callers_tenant()
    {
        var incidentId = Guid.CreateVersion7();
        var page = await api.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries?incidentId={incidentId}&limit=5");

        Assert.That(Alerting.Requests, Has.Member($"/internal/tenants/{BootstrapApiKey.DefaultTenantId}/deliveries?incidentId={incidentId}&limit=5"));
        var delivery = page.GetProperty("items")[0];
        Assert.That(delivery.GetProperty("status").GetString(), Is.EqualTo("delivered"));
        Assert.That(delivery.GetProperty("event").GetString(), Is.EqualTo("down"));
        Assert.That(delivery.GetProperty("lastStatusCode").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task Results_are_503_problem_when_Telemetry_Ingest_is_unreachable()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        await Expect.ProblemAsync(await api.GetAsync($"/api/v1/monitors/{monitor.Id}/results?from=2026-01-01T00:00:00Z"),
            HttpStatusCode.ServiceUnavailable, "https://sentinel.dev/problems/dependency-unavailable");
    }

    [Test]
    public async Task Results_with_from_after_to_are_a_validation_problem()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        await Expect.ValidationAsync(
            await api.GetAsync($"/api/v1/monitors/{monitor.Id}/results?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"), "from");
    }

    [Test]
    public async Task Incidents_are_503_problem_when_Alert_Evaluation_is_down()
    {
        await using var gatewayWithoutAlerting = CreateFactory(DeadUrl());
        using var client = Client(gatewayWithoutAlerting, BootstrapSecret);
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);

        foreach (var path in new[] { "/api/v1/incidents", $"/api/v1/incidents/{Guid.CreateVersion7()}", $"/api/v1/monitors/{monitor.Id}/incidents" })
            await Expect.ProblemAsync(await client.GetAsync(path), HttpStatusCode.ServiceUnavailable,
                "https://sentinel.dev/problems/dependency-unavailable");
    }
}
