using System.Net;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Api;

public sealed class IdempotencyTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient() => api = Client(BootstrapSecret);

    [TearDown]
    public void DisposeClient() => api.Dispose();

    HttpRequestMessage Create(string path, string body, string key) => new(HttpMethod.Post, path)
    {
        Content = Expect.Json(body),
        Headers = { { "Idempotency-Key", key } },
    };

    [TestCase("/api/v1/monitors", """{ "name": "once", "type": "http", "url": "https://once.test" }""")]
    [TestCase("/api/v1/channels", """{ "name": "once", "type": "webhook", "settings": { "url": "https://once.test" } }""")]
    [TestCase("/api/v1/api-keys", """{ "name": "once" }""")]
    public async Task A_retried_create_with_the_same_key_returns_the_first_response_and_creates_once(string path, string body)
    {
        var key = Guid.NewGuid().ToString();
        var first = await api.SendAsync(Create(path, body, key));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), firstBody);

        var before = await Expect.CountsAsync();
        var retry = await api.SendAsync(Create(path, body, key));

        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await retry.Content.ReadAsStringAsync(), Is.EqualTo(firstBody));
        Assert.That(retry.Headers.Location, Is.EqualTo(first.Headers.Location));
        Assert.That(await Expect.CountsAsync(), Is.EqualTo(before), "the retry stored and published nothing");
    }

    [Test]
    public async Task Concurrent_creates_with_one_key_create_one_monitor()
    {
        var key = Guid.NewGuid().ToString();
        const string body = """{ "name": "race", "type": "http", "url": "https://race.test" }""";
        var before = await Expect.CountsAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => api.SendAsync(Create("/api/v1/monitors", body, key))));

        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(1));
        var after = await Expect.CountsAsync();
        Assert.That(after.Monitors, Is.EqualTo(before.Monitors + 1));
        Assert.That(after.Outbox, Is.EqualTo(before.Outbox + 1));
    }

    [Test]
    public async Task A_rejected_create_stores_no_key_so_a_corrected_retry_succeeds()
    {
        var key = Guid.NewGuid().ToString();
        var rejected = await Expect.NothingStoredAsync(() => api.SendAsync(Create("/api/v1/monitors", """{ "name": "x", "type": "http" }""", key)));
        await Expect.ValidationAsync(rejected, "url");

        var fixedUp = await api.SendAsync(Create("/api/v1/monitors", """{ "name": "x", "type": "http", "url": "https://x.test" }""", key));
        Assert.That(fixedUp.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task A_key_reused_on_another_endpoint_is_422()
    {
        var key = Guid.NewGuid().ToString();
        (await api.SendAsync(Create("/api/v1/api-keys", """{ "name": "k" }""", key))).EnsureSuccessStatusCode();

        var response = await Expect.NothingStoredAsync(() =>
            api.SendAsync(Create("/api/v1/channels", """{ "name": "a", "type": "webhook", "settings": { "url": "https://h.test" } }""", key)));
        await Expect.ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Test]
    public async Task Keys_of_two_tenants_do_not_collide()
    {
        var key = Guid.NewGuid().ToString();
        using var other = Client(OtherTenantSecret);
        const string body = """{ "name": "mine", "type": "http", "url": "https://mine.test" }""";

        var mine = await (await api.SendAsync(Create("/api/v1/monitors", body, key))).Content.ReadFromJsonAsync<JsonElement>();
        var theirs = await (await other.SendAsync(Create("/api/v1/monitors", body, key))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(theirs.GetProperty("id").GetGuid(), Is.Not.EqualTo(mine.GetProperty("id").GetGuid()));
    }
}
