using System.Net;
using System.Text;
using Sentinel.Gateway.Monitors;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Locations;

/// Monitor locations and quorum through the API, the catalog event, config as code, and the pass-through reads of
/// location health and rounds (Alert-Evaluation's, here its loopback fake).
public sealed class LocationEndpointsTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient() => api = Client(BootstrapSecret);

    [TearDown]
    public void DisposeClient() => api.Dispose();

    [Test]
    public async Task Locations_and_quorum_are_stored_returned_and_sent_in_MonitorUpserted()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api, new
        {
            name = "multi", type = "http", url = "https://example.com/", locations = new[] { "eu-west", "us-east", "ap-south" }, quorum = 2,
        });

        Assert.That(monitor.Locations, Is.EqualTo(new[] { "eu-west", "us-east", "ap-south" }));
        Assert.That(monitor.Quorum, Is.EqualTo(2));
        var fetched = (await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}"))!;
        Assert.That(fetched.Locations, Is.EqualTo(monitor.Locations));
        Assert.That(fetched.Quorum, Is.EqualTo(2));
        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.outbox where body->>'monitorId' = '{monitor.Id}' and body->'locations' = '[\"eu-west\",\"us-east\",\"ap-south\"]'::jsonb and (body->>'quorum')::int = 2"),
            Is.EqualTo(1), "the catalog event carries locations and quorum");
    }

    [Test]
    public async Task Quorum_defaults_to_all_locations_and_patch_can_remove_them()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api, new
        {
            name = "all-agree", type = "http", url = "https://example.com/", locations = new[] { "eu-west", "us-east" },
        });
        Assert.That(monitor.Quorum, Is.EqualTo(2), "k = n by default");

        var patched = await api.PatchAsync($"/api/v1/monitors/{monitor.Id}",
            Expect.Json("""{ "locations": [], "quorum": null }"""));
        var text = await patched.Content.ReadAsStringAsync();
        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var plain = JsonDocument.Parse(text).RootElement;
        Assert.That(plain.TryGetProperty("locations", out var l) ? l.ValueKind : JsonValueKind.Null, Is.EqualTo(JsonValueKind.Null));
        Assert.That(await Db.CountAsync($"select count(*) from gateway.monitors where id = '{monitor.Id}' and locations = '{{}}' and quorum is null"), Is.EqualTo(1));
    }

    [TestCase("""{ "locations": ["EU-West"] }""", "locations")]
    [TestCase("""{ "locations": ["eu-west", "eu-west"] }""", "locations")]
    [TestCase("""{ "locations": ["-edge"] }""", "locations")]
    [TestCase("""{ "locations": ["a", "b"], "quorum": 3 }""", "quorum")]
    [TestCase("""{ "locations": ["a", "b"], "quorum": 0 }""", "quorum")]
    [TestCase("""{ "quorum": 1 }""", "quorum")]
    public async Task Invalid_locations_or_quorum_are_a_400_problem_and_store_nothing(string extra, string field)
    {
        var body = extra.Replace("{", """{ "name": "bad", "type": "http", "url": "https://example.com/", """);
        var response = await Expect.NothingStoredAsync(() => api.PostAsync("/api/v1/monitors", Expect.Json(body)));
        await Expect.ValidationAsync(response, field);
    }

    [Test]
    public async Task Seventeen_locations_are_too_many()
    {
        var locations = Enumerable.Range(1, 17).Select(i => $"l{i}").ToArray();
        var response = await Expect.NothingStoredAsync(() => api.PostAsJsonAsync("/api/v1/monitors",
            new { name = "many", type = "http", url = "https://example.com/", locations }));
        await Expect.ValidationAsync(response, "locations");
    }

    [Test]
    public async Task Listing_locations_merges_Alert_Evaluations_health_with_the_tenants_monitors()
    {
        await Monitors.MonitorEndpointsTests.CreateAsync(api, new
        {
            name = "where", type = "http", url = "https://example.com/", locations = new[] { "eu-west", "zz-lonely" },
        });

        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/locations");
        var items = list.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.That(items["eu-west"].GetProperty("status").GetString(), Is.EqualTo("unknown"));
        Assert.That(items["eu-west"].GetProperty("reason").GetString(), Does.Contain("canaries"));
        Assert.That(items["eu-west"].GetProperty("monitors").GetInt32(), Is.GreaterThanOrEqualTo(1));
        Assert.That(items["eu-west"].GetProperty("checkers").GetArrayLength(), Is.EqualTo(1));
        Assert.That(items["zz-lonely"].GetProperty("status").GetString(), Is.EqualTo("unseen"));
        Assert.That(items["zz-lonely"].GetProperty("monitors").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task Rounds_pass_through_for_the_tenants_own_monitor_only()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api, new
        {
            name = "rounds", type = "http", url = "https://example.com/", locations = new[] { "eu-west", "us-east" }, quorum = 2,
        });

        var rounds = await api.GetFromJsonAsync<JsonElement>($"/api/v1/monitors/{monitor.Id}/rounds?limit=5");
        var round = rounds.GetProperty("items")[0];
        Assert.That(round.GetProperty("status").GetString(), Is.EqualTo("incomplete"));
        Assert.That(round.GetProperty("locations")[1].GetProperty("result").GetString(), Is.EqualTo("missing"));
        Assert.That(Alerting.Requests, Does.Contain($"/internal/tenants/{TenantOf(monitor)}/monitors/{monitor.Id}/rounds?limit=5"));

        using var other = Client(OtherTenantSecret);
        Assert.That((await other.GetAsync($"/api/v1/monitors/{monitor.Id}/rounds")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        await Expect.ValidationAsync(await api.GetAsync($"/api/v1/monitors/{monitor.Id}/rounds?limit=0"), "limit");
    }

    [Test]
    public async Task Locations_and_rounds_are_503_problem_when_Alert_Evaluation_is_down()
    {
        await using var gatewayWithoutAlerting = CreateFactory(DeadUrl());
        using var client = Client(gatewayWithoutAlerting, BootstrapSecret);
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);

        foreach (var path in new[] { "/api/v1/locations", $"/api/v1/monitors/{monitor.Id}/rounds" })
            await Expect.ProblemAsync(await client.GetAsync(path), HttpStatusCode.ServiceUnavailable,
                "https://sentinel.dev/problems/dependency-unavailable");
    }

    [Test]
    public async Task Export_and_import_round_trip_locations_and_quorum()
    {
        var tenant = await ConfigAsCode.ConfigAsCodeTests.NewTenantAsync();
        await Monitors.MonitorEndpointsTests.CreateAsync(tenant, new
        {
            name = "geo", type = "http", url = "https://example.com/", locations = new[] { "eu-west", "us-east", "ap-south" }, quorum = 2,
        });
        var exported = await tenant.GetStringAsync("/api/v1/export");
        Assert.That(exported, Does.Contain("locations: [eu-west, us-east, ap-south]").And.Contain("quorum: 2"), exported);

        var target = await ConfigAsCode.ConfigAsCodeTests.NewTenantAsync();
        var imported = await target.PostAsync("/api/v1/import", new StringContent(exported, Encoding.UTF8, "application/yaml"));
        Assert.That(imported.StatusCode, Is.EqualTo(HttpStatusCode.OK), await imported.Content.ReadAsStringAsync());
        Assert.That(await target.GetStringAsync("/api/v1/export"), Is.EqualTo(exported));

        var changed = await target.PostAsync("/api/v1/import",
            new StringContent(exported.Replace("quorum: 2", "quorum: 5"), Encoding.UTF8, "application/yaml"));
        await Expect.ValidationAsync(changed, "monitors[0].quorum");
    }

    static Guid TenantOf(MonitorResponse monitor)
    {
        using var db = NewCatalog();
        return db.Monitors.Single(m => m.Id == monitor.Id).TenantId;
    }
}
