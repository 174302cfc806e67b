using System.Net;
using System.Net.Http.Headers;
using Sentinel.Gateway.Monitors;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Auth;

/// Every endpoint of /api/v1: no key or a wrong key is 401, a read-only key writing is 403, another tenant's object is
/// 404 — each as problem+json, and none of them stores anything.
public sealed class AuthorizationTests
{
    const string MonitorBody = """{ "name": "a", "type": "http", "url": "https://a.test" }""";
    const string ChannelBody = """{ "name": "a", "type": "webhook", "settings": { "url": "https://h.test" } }""";

    static Guid monitorId;
    static Guid channelId;
    static Guid apiKeyId;

    [OneTimeSetUp]
    public async Task CreateObjectsOfTheDefaultTenant()
    {
        using var api = Client(BootstrapSecret);
        monitorId = (await Monitors.MonitorEndpointsTests.CreateAsync(api)).Id;
        channelId = (await Channels.ChannelEndpointsTests.CreateAsync(api)).Id;
        var key = await (await api.PostAsJsonAsync("/api/v1/api-keys", new { name = "victim" })).Content.ReadFromJsonAsync<JsonElement>();
        apiKeyId = key.GetProperty("id").GetGuid();
    }

    static IEnumerable<TestCaseData> Endpoints()
    {
        yield return new TestCaseData("GET", "/api/v1/monitors", null);
        yield return new TestCaseData("POST", "/api/v1/monitors", MonitorBody);
        yield return new TestCaseData("GET", "/api/v1/monitors/{monitor}", null);
        yield return new TestCaseData("PUT", "/api/v1/monitors/{monitor}", MonitorBody);
        yield return new TestCaseData("PATCH", "/api/v1/monitors/{monitor}", """{ "name": "b" }""");
        yield return new TestCaseData("DELETE", "/api/v1/monitors/{monitor}", null);
        yield return new TestCaseData("POST", "/api/v1/monitors/{monitor}/pause", null);
        yield return new TestCaseData("POST", "/api/v1/monitors/{monitor}/resume", null);
        yield return new TestCaseData("GET", "/api/v1/monitors/{monitor}/incidents", null);
        yield return new TestCaseData("GET", "/api/v1/monitors/{monitor}/results", null);
        yield return new TestCaseData("GET", "/api/v1/channels", null);
        yield return new TestCaseData("POST", "/api/v1/channels", ChannelBody);
        yield return new TestCaseData("GET", "/api/v1/channels/{channel}", null);
        yield return new TestCaseData("PUT", "/api/v1/channels/{channel}", ChannelBody);
        yield return new TestCaseData("DELETE", "/api/v1/channels/{channel}", null);
        yield return new TestCaseData("GET", "/api/v1/api-keys", null);
        yield return new TestCaseData("POST", "/api/v1/api-keys", """{ "name": "x" }""");
        yield return new TestCaseData("DELETE", "/api/v1/api-keys/{key}", null);
        yield return new TestCaseData("GET", "/api/v1/incidents", null);
        yield return new TestCaseData("GET", "/api/v1/incidents/{monitor}", null);
        yield return new TestCaseData("GET", "/api/v1/deliveries", null);
    }

    static IEnumerable<TestCaseData> Writes() => Endpoints().Where(c => (string)c.Arguments[0]! != "GET");

    static IEnumerable<TestCaseData> ObjectEndpoints() =>
        Endpoints().Where(c => ((string)c.Arguments[1]!).Contains("{monitor}") || ((string)c.Arguments[1]!).Contains("{channel}") || ((string)c.Arguments[1]!).Contains("{key}"))
            .Where(c => !((string)c.Arguments[1]!).StartsWith("/api/v1/incidents/"));

    static HttpRequestMessage Request(string method, string path, string? body) =>
        new(new HttpMethod(method), path.Replace("{monitor}", monitorId.ToString()).Replace("{channel}", channelId.ToString()).Replace("{key}", apiKeyId.ToString()))
        {
            Content = body is null ? null : Expect.Json(body),
        };

    [TestCaseSource(nameof(Endpoints))]
    public async Task Without_a_key_every_endpoint_is_401(string method, string path, string? body)
    {
        using var anonymous = Client(null);
        var response = await Expect.NothingStoredAsync(() => anonymous.SendAsync(Request(method, path, body)));
        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "https://sentinel.dev/problems/unauthorized");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("Bearer"));
    }

    [TestCaseSource(nameof(Endpoints))]
    public async Task With_an_unknown_key_every_endpoint_is_401(string method, string path, string? body)
    {
        using var stranger = Client(null);
        stranger.DefaultRequestHeaders.Add("X-Api-Key", "sk_0000000000000000000000000000000000000000");
        var response = await Expect.NothingStoredAsync(() => stranger.SendAsync(Request(method, path, body)));
        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "https://sentinel.dev/problems/unauthorized");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("invalid or revoked"));
    }

    [TestCaseSource(nameof(Writes))]
    public async Task A_read_only_key_writing_is_403(string method, string path, string? body)
    {
        using var reader = Client(ReadOnlySecret);
        var response = await Expect.NothingStoredAsync(() => reader.SendAsync(Request(method, path, body)));
        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "https://sentinel.dev/problems/forbidden");
    }

    [Test]
    public async Task A_read_only_key_may_read()
    {
        using var reader = Client(ReadOnlySecret);
        var monitor = await reader.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitorId}");
        Assert.That(monitor!.Id, Is.EqualTo(monitorId));
    }

    [TestCaseSource(nameof(ObjectEndpoints))]
    public async Task Another_tenants_object_is_404_on_every_endpoint(string method, string path, string? body)
    {
        using var other = Client(OtherTenantSecret);
        var response = await Expect.NothingStoredAsync(() => other.SendAsync(Request(method, path, body)));
        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "https://sentinel.dev/problems/not-found");
    }

    [Test]
    public async Task The_X_Api_Key_header_is_accepted_as_well_as_Bearer()
    {
        using var client = Client(null);
        client.DefaultRequestHeaders.Add("X-Api-Key", BootstrapSecret);
        Assert.That((await client.GetAsync("/api/v1/monitors")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BootstrapSecret);
        Assert.That((await client.GetAsync("/api/v1/monitors")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Health_and_the_OpenAPI_document_need_no_key()
    {
        using var anonymous = Client(null);
        Assert.That((await anonymous.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var openApi = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.That(openApi.GetProperty("paths").TryGetProperty("/api/v1/monitors/{id}", out _), Is.True);
    }

    [Test]
    public async Task The_bootstrap_key_belongs_to_the_default_tenant_and_is_read_write()
    {
        Assert.That(await Db.CountAsync(
            "select count(*) from gateway.api_keys k join gateway.tenants t on t.id = k.tenant_id " +
            "where t.name = 'default' and k.name = 'bootstrap' and k.scope = 'read-write'"), Is.EqualTo(1));
    }
}
