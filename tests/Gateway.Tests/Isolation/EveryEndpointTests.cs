using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Gateway.Tenants;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Isolation;

/// Driven by the app's own endpoint list, so an endpoint added later under /api/v1 is covered without touching this
/// file: no key is 401, a read-only key writing is 403, another tenant's id is 404, and none of them stores
/// anything. Only a new kind of object (a new first path segment) needs a line in the tables below.
public sealed partial class EveryEndpointTests
{
    /// A valid body per kind of object, for creating tenant A's objects and for PUT. {channel} and {monitor} stand for
    /// tenant A's ids.
    static readonly Dictionary<string, string> CreateBodies = new()
    {
        ["monitors"] = """{ "name": "iso", "type": "http", "url": "https://iso.test" }""",
        ["channels"] = """{ "name": "iso", "type": "webhook", "settings": { "url": "https://iso.test/hook" } }""",
        ["api-keys"] = """{ "name": "iso" }""",
        ["escalation-policies"] = """{ "name": "iso", "levels": [ { "afterMinutes": 5, "channelIds": ["{channel}"] } ] }""",
        ["alert-rules"] = """{ "name": "iso", "tags": ["iso"], "consecutiveFailures": 3, "channelIds": ["{channel}"] }""",
        ["maintenance-windows"] = """{ "name": "iso", "tags": ["iso"], "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-01T01:00:00Z" }""",
        ["status-pages"] = """{ "slug": "{slug}", "title": "Iso", "groups": [ { "name": "g", "monitorIds": ["{monitor}"] } ] }""",
        ["slos"] = """{ "name": "iso", "monitorId": "{monitor}", "objectivePercent": 99.9, "channelIds": ["{channel}"] }""",
    };

    /// Bodies of the writes that are not a create or a replace of their kind.
    static readonly Dictionary<string, (string Body, string MediaType)> OtherBodies = new()
    {
        ["PATCH /api/v1/monitors/{id}"] = ("""{ "name": "patched" }""", "application/json"),
        ["POST /api/v1/import"] = ("monitors: []\n", "application/yaml"),
        ["POST /api/v1/incidents/{id}/acknowledge"] = ("", ""),
    };

    static readonly Dictionary<string, Guid> TenantAIds = [];
    static readonly List<(string Method, string Route)> ApiEndpoints = [];

    [OneTimeSetUp]
    public async Task CreateOneObjectOfEveryKindInTenantA()
    {
        var sources = Factory.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        ApiEndpoints.Clear();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!route.StartsWith("/api/v1/", StringComparison.Ordinal))
                continue;
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                ApiEndpoints.Add((method, ParameterPattern().Replace(route, m => "{" + m.Groups["name"].Value + "}")));
        }

        using var api = Client(BootstrapSecret);
        foreach (var kind in new[] { "channels", "monitors", "api-keys", "escalation-policies", "alert-rules", "maintenance-windows", "status-pages", "slos" })
        {
            var response = await api.PostAsync($"/api/v1/{kind}", Expect.Json(Fill(CreateBodies[kind])));
            var text = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), $"creating tenant A's {kind}: {text}");
            TenantAIds[kind] = JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
        }
        Alerting.TenantId = BootstrapApiKey.DefaultTenantId;
        TenantAIds["incidents"] = Alerting.IncidentId;
    }

    [Test]
    public void The_endpoint_list_is_read_from_the_app()
    {
        Assert.That(ApiEndpoints, Has.Count.GreaterThan(40));
        Assert.That(ApiEndpoints, Has.Member(("GET", "/api/v1/export")).And.Member(("POST", "/api/v1/import"))
            .And.Member(("DELETE", "/api/v1/monitors/{id}")));
    }

    [Test]
    public async Task Every_api_endpoint_without_a_key_is_401()
    {
        using var anonymous = Client(null);
        var failures = new List<string>();
        foreach (var (method, route) in ApiEndpoints)
        {
            var response = await Expect.NothingStoredAsync(() => anonymous.SendAsync(Request(method, route)));
            await Collect(failures, method, route, response, HttpStatusCode.Unauthorized, "unauthorized");
        }
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task Every_api_write_with_a_read_only_key_is_403()
    {
        using var reader = Client(ReadOnlySecret);
        var failures = new List<string>();
        foreach (var (method, route) in ApiEndpoints.Where(e => e.Method is not ("GET" or "HEAD")))
        {
            var response = await Expect.NothingStoredAsync(() => reader.SendAsync(Request(method, route)));
            await Collect(failures, method, route, response, HttpStatusCode.Forbidden, "forbidden");
        }
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task Every_api_read_is_allowed_to_a_read_only_key()
    {
        using var reader = Client(ReadOnlySecret);
        var failures = new List<string>();
        // The event stream never ends on its own; that it takes a read-only key is checked by its own tests.
        foreach (var (method, route) in ApiEndpoints.Where(e => e.Method == "GET" && e.Route != "/api/v1/events"))
        {
            var response = await reader.SendAsync(Request(method, route));
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                failures.Add($"{method} {route}: {(int)response.StatusCode}");
        }
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task Every_api_route_with_an_id_is_404_for_another_tenant()
    {
        using var other = Client(OtherTenantSecret);
        var failures = new List<string>();
        foreach (var (method, route) in ApiEndpoints.Where(e => e.Route.Contains("{id}")))
        {
            var response = await Expect.NothingStoredAsync(() => other.SendAsync(Request(method, route)));
            await Collect(failures, method, route, response, HttpStatusCode.NotFound, "not-found");
        }
        Assert.That(failures, Is.Empty);
    }

    static async Task Collect(List<string> failures, string method, string route, HttpResponseMessage response, HttpStatusCode expected, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            failures.Add($"{method} {route}: {(int)response.StatusCode} {text}");
        else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || !text.Contains($"/problems/{type}"))
            failures.Add($"{method} {route}: not a '{type}' problem: {text}");
    }

    static HttpRequestMessage Request(string method, string route)
    {
        var kind = route.Split('/')[3];
        var path = route.Replace("{id}", TenantAIds.TryGetValue(kind, out var id) ? id.ToString() : $"{{no sample id for '{kind}'}}");
        Assert.That(path, Does.Not.Contain("{"), $"{method} {route} has a route parameter this test has no value for: add it to the tables");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        var key = $"{method} {route}";
        if (OtherBodies.TryGetValue(key, out var other))
        {
            if (other.Body.Length > 0)
                request.Content = new StringContent(other.Body, Encoding.UTF8, other.MediaType);
        }
        else if (method is "PUT" || (method is "POST" && route == $"/api/v1/{kind}"))
            request.Content = Expect.Json(Fill(CreateBodies.TryGetValue(kind, out var body)
                ? body
                : throw new AssertionException($"{key}: no sample body for '{kind}': add one to CreateBodies")));
        return request;
    }

    static string Fill(string body) => body
        .Replace("{channel}", TenantAIds.GetValueOrDefault("channels").ToString())
        .Replace("{monitor}", TenantAIds.GetValueOrDefault("monitors").ToString())
        .Replace("{slug}", "iso-" + Guid.NewGuid().ToString("N")[..10]);

    [GeneratedRegex(@"\{(?<name>[a-zA-Z]+)(:[^}]*)?\}")]
    private static partial Regex ParameterPattern();
}
