using System.Net;
using Sentinel.Gateway.ApiKeys;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.ApiKeys;

public sealed class ApiKeyEndpointsTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient() => api = Client(BootstrapSecret);

    [TearDown]
    public void DisposeClient() => api.Dispose();

    [Test]
    public async Task Create_returns_the_secret_once_and_stores_only_its_hash()
    {
        var response = await api.PostAsJsonAsync("/api/v1/api-keys", new { name = "ci", scope = "read-write" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var created = (await response.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!;
        Assert.That(created.Secret, Does.Match("^sk_[0-9A-Za-z]{40}$"));
        Assert.That(created.Secret, Does.StartWith(created.Prefix));
        Assert.That(await Db.CountAsync($"select count(*) from gateway.api_keys where id = '{created.Id}' and key_hash = '{ApiKeySecret.Hash(created.Secret)}'"), Is.EqualTo(1));
        Assert.That(await Db.CountAsync($"select count(*) from gateway.api_keys where key_hash = '{created.Secret}' or prefix = '{created.Secret}'"), Is.Zero);

        var listed = await api.GetStringAsync("/api/v1/api-keys?limit=500");
        Assert.That(listed, Does.Contain(created.Id.ToString()));
        Assert.That(listed, Does.Not.Contain(created.Secret));

        using var withNewKey = Client(created.Secret);
        Assert.That((await withNewKey.GetAsync("/api/v1/monitors")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_new_key_is_read_only_unless_asked_otherwise()
    {
        var created = await (await api.PostAsJsonAsync("/api/v1/api-keys", new { name = "viewer" })).Content.ReadFromJsonAsync<CreatedApiKeyResponse>();
        Assert.That(created!.Scope, Is.EqualTo("read-only"));
    }

    [Test]
    public async Task Revoked_keys_stop_working_at_once_and_stay_listed()
    {
        var created = (await (await api.PostAsJsonAsync("/api/v1/api-keys", new { name = "temp", scope = "read-write" })).Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!;

        var response = await api.DeleteAsync($"/api/v1/api-keys/{created.Id}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var revoked = Client(created.Secret);
        await Expect.ProblemAsync(await revoked.GetAsync("/api/v1/monitors"), HttpStatusCode.Unauthorized, "https://sentinel.dev/problems/unauthorized");
        var listed = await api.GetFromJsonAsync<JsonElement>("/api/v1/api-keys?limit=500");
        var entry = listed.GetProperty("items").EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == created.Id);
        Assert.That(entry.GetProperty("revokedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
    }

    [TestCase("""{ "scope": "read-write" }""", "name")]
    [TestCase("""{ "name": "" }""", "name")]
    [TestCase("""{ "name": "a", "scope": "admin" }""", "scope")]
    public async Task Create_with_an_invalid_field_is_a_validation_problem(string body, string field)
    {
        var response = await Expect.NothingStoredAsync(() => api.PostAsync("/api/v1/api-keys", Expect.Json(body)));
        await Expect.ValidationAsync(response, field);
    }

    [TestCase("""{ "name": "a", "expires": "never" }""", "Unknown property 'expires'")]
    [TestCase("""{ "name": ["a"] }""", "$.name")]
    [TestCase("""{ "name": """, "Malformed JSON")]
    public async Task Create_with_malformed_json_says_what_and_where(string body, string detail) =>
        await Expect.MalformedAsync(await Expect.NothingStoredAsync(() => api.PostAsync("/api/v1/api-keys", Expect.Json(body))), detail);

    [Test]
    public async Task Another_tenants_key_cannot_be_revoked_and_is_not_listed()
    {
        using var other = Client(OtherTenantSecret);
        var foreign = (await (await other.PostAsJsonAsync("/api/v1/api-keys", new { name = "theirs" })).Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!;

        var response = await Expect.NothingStoredAsync(() => api.DeleteAsync($"/api/v1/api-keys/{foreign.Id}"));

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "https://sentinel.dev/problems/not-found");
        Assert.That(await api.GetStringAsync("/api/v1/api-keys?limit=500"), Does.Not.Contain(foreign.Id.ToString()));
    }

    [Test]
    public async Task List_with_a_bad_limit_is_a_validation_problem() =>
        await Expect.ValidationAsync(await api.GetAsync("/api/v1/api-keys?limit=0"), "limit");
}
