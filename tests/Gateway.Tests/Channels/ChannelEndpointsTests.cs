using System.Net;
using Sentinel.Gateway.Channels;
using Sentinel.Gateway.Monitors;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Channels;

public sealed class ChannelEndpointsTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient() => api = Client(BootstrapSecret);

    [TearDown]
    public void DisposeClient() => api.Dispose();

    public static async Task<ChannelResponse> CreateAsync(HttpClient client, string name = "ops hook")
    {
        var response = await client.PostAsJsonAsync("/api/v1/channels", new
        {
            name,
            type = "webhook",
            settings = new { url = "https://hooks.test/ops", headers = new Dictionary<string, string> { ["Authorization"] = "Bearer s3cret" } },
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ChannelResponse>())!;
    }

    [Test]
    public async Task Create_returns_header_names_but_never_their_values_and_adds_a_ChannelUpserted_row()
    {
        var response = await api.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "ops",
            type = "webhook",
            settings = new { url = "https://hooks.test/ops", headers = new Dictionary<string, string> { ["Authorization"] = "Bearer s3cret" } },
        });

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        Assert.That(text, Does.Not.Contain("s3cret"));
        var channel = JsonSerializer.Deserialize<ChannelResponse>(text, JsonSerializerOptions.Web)!;
        Assert.That(channel.Settings.GetProperty("url").GetString(), Is.EqualTo("https://hooks.test/ops"));
        Assert.That(channel.Settings.GetProperty("headerNames").EnumerateArray().Select(h => h.GetString()), Is.EqualTo(new[] { "Authorization" }));
        Assert.That(await Expect.OutboxAsync("ChannelUpserted", "channelId", channel.Id, 1), Is.EqualTo(1));
        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.outbox where body->>'channelId' = '{channel.Id}' and body->'webhook'->'headers'->>'Authorization' = 'Bearer s3cret'"),
            Is.EqualTo(1), "Delivery gets the secret through the event");

        var fetched = await api.GetStringAsync($"/api/v1/channels/{channel.Id}");
        Assert.That(fetched, Does.Not.Contain("s3cret"));
    }

    [Test]
    public async Task List_pages_and_put_replaces_with_the_next_version()
    {
        var first = await CreateAsync(api, "one");
        await CreateAsync(api, "two");
        await CreateAsync(api, "three");

        var page = await api.GetFromJsonAsync<JsonElement>("/api/v1/channels?limit=1");
        Assert.That(page.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
        var next = page.GetProperty("nextCursor").GetString();
        Assert.That(next, Is.Not.Null);
        var second = await api.GetFromJsonAsync<JsonElement>($"/api/v1/channels?limit=1&cursor={next}");
        Assert.That(second.GetProperty("items")[0].GetProperty("id").GetGuid(),
            Is.Not.EqualTo(page.GetProperty("items")[0].GetProperty("id").GetGuid()));

        var put = await api.PutAsJsonAsync($"/api/v1/channels/{first.Id}",
            new { name = "renamed", type = "webhook", settings = new { url = "https://hooks.test/new" } });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var replaced = (await put.Content.ReadFromJsonAsync<ChannelResponse>())!;
        Assert.That(replaced.Name, Is.EqualTo("renamed"));
        Assert.That(replaced.Settings.GetProperty("headerNames").GetArrayLength(), Is.Zero);
        Assert.That(await Expect.OutboxAsync("ChannelUpserted", "channelId", first.Id, 2), Is.EqualTo(1));
    }

    [Test]
    public async Task Delete_detaches_the_channel_from_monitors_and_publishes_both_changes()
    {
        var channel = await CreateAsync(api);
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api,
            new { name = "a", type = "http", url = "https://a.test", channelIds = new[] { channel.Id } });
        Assert.That(monitor.ChannelIds, Is.EqualTo(new[] { channel.Id }));

        var response = await api.DeleteAsync($"/api/v1/channels/{channel.Id}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Expect.OutboxAsync("ChannelDeleted", "channelId", channel.Id, 2), Is.EqualTo(1));
        Assert.That(await Expect.OutboxAsync("MonitorUpserted", "monitorId", monitor.Id, 2), Is.EqualTo(1));
        var after = await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}");
        Assert.That(after!.ChannelIds, Is.Empty);
        await Expect.ProblemAsync(await api.GetAsync($"/api/v1/channels/{channel.Id}"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Delete_of_a_channel_an_escalation_policy_or_alert_rule_pages_is_a_409_and_changes_nothing()
    {
        var paged = await CreateAsync(api, "paged by policy");
        var ruled = await CreateAsync(api, "paged by rule");
        var policy = await api.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "night",
            levels = new object[] { new { afterConsecutiveFailures = 1, channelIds = new[] { paged.Id } } },
        });
        Assert.That(policy.StatusCode, Is.EqualTo(HttpStatusCode.Created), await policy.Content.ReadAsStringAsync());
        var rule = await api.PostAsJsonAsync("/api/v1/alert-rules",
            new { name = "thrice", tags = new[] { "prod" }, consecutiveFailures = 3, channelIds = new[] { ruled.Id } });
        Assert.That(rule.StatusCode, Is.EqualTo(HttpStatusCode.Created), await rule.Content.ReadAsStringAsync());

        foreach (var (channel, names) in new[] { (paged, "night"), (ruled, "thrice") })
        {
            var response = await Expect.NothingStoredAsync(() => api.DeleteAsync($"/api/v1/channels/{channel.Id}"));
            var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "https://sentinel.dev/problems/conflict");
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(names));
            Assert.That((await api.GetAsync($"/api/v1/channels/{channel.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    static readonly object[] InvalidBodies =
    [
        new object[] { """{ "type": "webhook", "settings": { "url": "https://h.test" } }""", "name" },
        new object[] { """{ "name": "a", "settings": { "url": "https://h.test" } }""", "type" },
        new object[] { """{ "name": "a", "type": "sms", "settings": { "url": "https://h.test" } }""", "type" },
        new object[] { """{ "name": "a", "type": "webhook" }""", "settings" },
        new object[] { """{ "name": "a", "type": "webhook", "settings": { } }""", "settings.url" },
        new object[] { """{ "name": "a", "type": "webhook", "settings": { "url": "mailto:x@y.z" } }""", "settings.url" },
        new object[] { """{ "name": "a", "type": "webhook", "settings": { "url": "https://h.test", "headers": { "a b": "c" } } }""", "settings.headers" },
    ];

    [TestCaseSource(nameof(InvalidBodies))]
    public async Task Create_with_an_invalid_field_is_a_validation_problem(string body, string field)
    {
        var response = await Expect.NothingStoredAsync(() => api.PostAsync("/api/v1/channels", Expect.Json(body)));
        await Expect.ValidationAsync(response, field);
    }

    [TestCaseSource(nameof(InvalidBodies))]
    public async Task Put_with_an_invalid_field_is_a_validation_problem(string body, string field)
    {
        var channel = await CreateAsync(api);
        var response = await Expect.NothingStoredAsync(() => api.PutAsync($"/api/v1/channels/{channel.Id}", Expect.Json(body)));
        await Expect.ValidationAsync(response, field);
    }

    [Test]
    public async Task The_type_error_names_the_supported_types()
    {
        var response = await api.PostAsync("/api/v1/channels", Expect.Json("""{ "name": "a", "type": "sms", "settings": { "url": "https://h.test" } }"""));
        var problem = await Expect.ValidationAsync(response, "type");
        Assert.That(problem.GetProperty("errors").GetProperty("type")[0].GetString(), Does.Contain("webhook"));
    }

    [TestCase("""{ "name": "a", "type": "webhook", "settings": { "url": "https://h.test", "sekret": "x" } }""", "Unknown property 'sekret'")]
    [TestCase("""{ "name": "a", "type": "webhook", "settings": "https://h.test" }""", "$.settings")]
    [TestCase("""{ "name": "a", "type": "webhook", "settings": { "url": "https://h.test", "headers": ["x"] } }""", "$.settings.headers")]
    [TestCase("""{ "name": 5 }""", "$.name")]
    [TestCase("""{ "name": "a" """, "Malformed JSON")]
    public async Task Create_and_put_with_malformed_json_say_what_and_where(string body, string detail)
    {
        var channel = await CreateAsync(api);
        await Expect.MalformedAsync(await Expect.NothingStoredAsync(() => api.PostAsync("/api/v1/channels", Expect.Json(body))), detail);
        await Expect.MalformedAsync(await Expect.NothingStoredAsync(() => api.PutAsync($"/api/v1/channels/{channel.Id}", Expect.Json(body))), detail);
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=501", "limit")]
    [TestCase("cursor=%%%", "cursor")]
    public async Task List_with_a_bad_limit_or_cursor_is_a_validation_problem(string query, string field) =>
        await Expect.ValidationAsync(await api.GetAsync($"/api/v1/channels?{query}"), field);

    [Test]
    public async Task An_unknown_channel_is_not_found_on_every_endpoint()
    {
        var id = Guid.CreateVersion7();
        var responses = new[]
        {
            await api.GetAsync($"/api/v1/channels/{id}"),
            await api.PutAsJsonAsync($"/api/v1/channels/{id}", new { name = "a", type = "webhook", settings = new { url = "https://h.test" } }),
            await api.DeleteAsync($"/api/v1/channels/{id}"),
        };
        foreach (var response in responses)
            await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "https://sentinel.dev/problems/not-found");
    }
}
