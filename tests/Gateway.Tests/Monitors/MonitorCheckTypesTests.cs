using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.Contracts;
using Sentinel.Gateway.Monitors;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Monitors;

/// Monitors of every check type through the API, the write-only secrets, and check-now against a stand-in Checker.
public sealed class MonitorCheckTypesTests
{
    FakeChecker checker = null!;
    WebApplicationFactory<Program> gateway = null!;
    WebApplicationFactory<Program> gatewayWithoutChecker = null!;
    HttpClient api = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        checker = await FakeChecker.StartAsync();
        gateway = CreateFactory(Alerting.Url).WithWebHostBuilder(b => b.UseSetting("Services:Checker", checker.Url));
        gatewayWithoutChecker = CreateFactory(Alerting.Url).WithWebHostBuilder(b => b.UseSetting("Services:Checker", DeadUrl()));
        api = Client(gateway, BootstrapSecret);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        api.Dispose();
        await gateway.DisposeAsync();
        await gatewayWithoutChecker.DisposeAsync();
        await checker.DisposeAsync();
    }

    [TestCase("""{ "name": "db", "type": "tcp", "host": "db.internal", "port": 5432, "payload": "PING", "expect": "^PONG" }""", "tcp", "host", "db.internal")]
    [TestCase("""{ "name": "dns", "type": "udp", "host": "10.0.0.53", "port": 53, "payload": "x" }""", "udp", "port", "53")]
    [TestCase("""{ "name": "gw", "type": "icmp", "host": "10.0.0.1", "packetCount": 5 }""", "icmp", "count", "5")]
    [TestCase("""{ "name": "mx", "type": "dns", "host": "example.test", "recordType": "MX", "nameServer": "127.0.0.1", "nameServerPort": 5353, "expectedAnswers": ["10 mx.example.test"] }""", "dns", "recordType", "MX")]
    [TestCase("""{ "name": "cert", "type": "tls", "host": "example.test", "certificateExpiryWarningDays": 30 }""", "tls", "certificateExpiryWarningDays", "30")]
    public async Task Every_check_type_is_stored_and_its_settings_travel_in_the_catalog_event(string body, string type, string key, string value)
    {
        var response = await api.PostAsync("/api/v1/monitors", Expect.Json(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var monitor = (await response.Content.ReadFromJsonAsync<MonitorResponse>())!;

        Assert.That(monitor.Type, Is.EqualTo(type));
        Assert.That(monitor.Url, Is.Null);
        Assert.That(await Db.CountAsync(
                $"select count(*) from gateway.outbox where body->>'monitorId' = '{monitor.Id}' and body->'check'->'{type}'->>'{key}' = '{value}'"),
            Is.EqualTo(1), $"MonitorUpserted.check.{type}.{key}");
        var fetched = await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}");
        Assert.That(fetched, Is.EqualTo(monitor).Using<MonitorResponse>((a, b) => a.Host == b.Host && a.Port == b.Port));
    }

    [Test]
    public async Task Secrets_are_write_only_but_reach_the_checker_and_survive_a_patch()
    {
        var monitor = await MonitorEndpointsTests.CreateAsync(api, new
        {
            name = "private api", type = "http", url = "https://api.example.test/health",
            basicAuth = new { username = "ops", password = "hunter2-secret" },
            keyword = "ok", conditions = new[] { "[STATUS] == 200" },
        });
        var patched = await api.PatchAsync($"/api/v1/monitors/{monitor.Id}", Expect.Json("""{ "name": "renamed" }"""));
        var text = await patched.Content.ReadAsStringAsync();
        var listed = await api.GetStringAsync("/api/v1/monitors?limit=500");

        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(text, Does.Not.Contain("hunter2"));
        Assert.That(listed, Does.Not.Contain("hunter2"));
        var response = JsonDocument.Parse(text).RootElement;
        Assert.That(response.GetProperty("basicAuth").GetProperty("username").GetString(), Is.EqualTo("ops"));
        Assert.That(response.GetProperty("basicAuth").TryGetProperty("password", out _), Is.False);
        Assert.That(response.GetProperty("conditions")[0].GetString(), Is.EqualTo("[STATUS] == 200"));
        Assert.That(await Db.CountAsync(
                $"select count(*) from gateway.outbox where body->>'monitorId' = '{monitor.Id}' and (body->>'version')::int = 2 and body->'check'->'http'->>'basicAuthPassword' = 'hunter2-secret'"),
            Is.EqualTo(1), "the patched version still carries the password to the Checker");
    }

    [Test]
    public async Task A_bearer_token_is_reported_only_as_present()
    {
        var monitor = await MonitorEndpointsTests.CreateAsync(api, new { name = "b", type = "http", url = "https://a.test", bearerToken = "tok-very-secret" });
        var text = await api.GetStringAsync($"/api/v1/monitors/{monitor.Id}");

        Assert.That(text, Does.Not.Contain("tok-very-secret"));
        Assert.That(monitor.HasBearerToken, Is.True);
    }

    [Test]
    public async Task A_bad_condition_is_a_400_naming_the_condition_and_position_and_nothing_is_stored()
    {
        var response = await Expect.NothingStoredAsync(() => api.PostAsync("/api/v1/monitors", Expect.Json(
            """{ "name": "a", "type": "http", "url": "https://a.test", "conditions": ["[STATUS] == 200", "[BODY].status === UP"] }""")));

        var problem = await Expect.ValidationAsync(response, "conditions[1]");
        Assert.That(problem.GetProperty("errors").GetProperty("conditions[1]")[0].GetString(), Does.StartWith("Position 16: unexpected '='"));
    }

    [Test]
    public async Task Check_now_runs_the_stored_monitor_at_once_and_returns_the_result()
    {
        var monitor = await MonitorEndpointsTests.CreateAsync(api, new
        {
            name = "now", type = "tcp", host = "db.internal", port = 5432, conditions = new[] { "[CONNECTED] == true" }, timeoutSeconds = 7,
        });

        var response = await api.PostAsync($"/api/v1/monitors/{monitor.Id}/check-now", null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<CheckNowResponse>())!;
        Assert.That(result.MonitorId, Is.EqualTo(monitor.Id));
        Assert.That(result.Up, Is.False);
        Assert.That(result.Error, Is.EqualTo("HTTP 503 is not in 200-299"));
        Assert.That(result.Detail, Is.EqualTo("checked by the fake"));
        Assert.That(result.Conditions.Single(), Is.EqualTo(new ConditionResult("[CONNECTED] == true", false, "503")));
        var sent = checker.Received.Single(c => c.MonitorId == monitor.Id);
        Assert.That(sent.Type, Is.EqualTo("tcp"));
        Assert.That(sent.TimeoutSeconds, Is.EqualTo(7));
        Assert.That(sent.Check!.Tcp, Is.EqualTo(new TcpCheckSpec("db.internal", 5432)));
        Assert.That(sent.Check.Conditions, Is.EqualTo(new[] { "[CONNECTED] == true" }));
    }

    [Test]
    public async Task Check_now_of_an_unknown_or_foreign_monitor_is_404_and_calls_no_checker()
    {
        using var other = Client(gateway, OtherTenantSecret);
        var foreign = await MonitorEndpointsTests.CreateAsync(other, new { name = "theirs", type = "icmp", host = "10.0.0.1" });
        var before = checker.Received.Count;

        var unknown = await api.PostAsync($"/api/v1/monitors/{Guid.NewGuid()}/check-now", null);
        var theirs = await api.PostAsync($"/api/v1/monitors/{foreign.Id}/check-now", null);

        await Expect.ProblemAsync(unknown, HttpStatusCode.NotFound, "https://sentinel.dev/problems/not-found");
        await Expect.ProblemAsync(theirs, HttpStatusCode.NotFound, "https://sentinel.dev/problems/not-found");
        Assert.That(checker.Received, Has.Count.EqualTo(before));
    }

    [Test]
    public async Task Check_now_with_the_checker_unreachable_is_a_503_problem()
    {
        using var client = Client(gatewayWithoutChecker, BootstrapSecret);
        var monitor = await MonitorEndpointsTests.CreateAsync(client, new { name = "x", type = "icmp", host = "10.0.0.1" });

        var response = await client.PostAsync($"/api/v1/monitors/{monitor.Id}/check-now", null);

        await Expect.ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "https://sentinel.dev/problems/dependency-unavailable");
    }

    [Test]
    public async Task A_read_only_key_cannot_run_check_now()
    {
        var monitor = await MonitorEndpointsTests.CreateAsync(api, new { name = "ro", type = "icmp", host = "10.0.0.1" });
        using var reader = Client(gateway, ReadOnlySecret);

        var response = await reader.PostAsync($"/api/v1/monitors/{monitor.Id}/check-now", null);

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden);
    }
}
