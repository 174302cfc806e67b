using System.Net;
using Sentinel.Gateway.Monitors;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Monitors;

public sealed class MonitorEndpointsTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient() => api = Client(BootstrapSecret);

    [TearDown]
    public void DisposeClient() => api.Dispose();

    public static async Task<MonitorResponse> CreateAsync(HttpClient client, object? body = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/monitors", body ?? new { name = "api", type = "http", url = "https://example.com/health" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<MonitorResponse>())!;
    }

    [Test]
    public async Task Create_fills_defaults_stores_the_monitor_and_adds_a_MonitorUpserted_outbox_row()
    {
        var response = await api.PostAsJsonAsync("/api/v1/monitors", new { name = " api ", type = "http", url = "https://example.com/health" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var monitor = (await response.Content.ReadFromJsonAsync<MonitorResponse>())!;
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/monitors/{monitor.Id}"));
        Assert.Multiple(() =>
        {
            Assert.That(monitor.Name, Is.EqualTo("api"));
            Assert.That(monitor.Method, Is.EqualTo("GET"));
            Assert.That(monitor.ExpectedStatus, Is.EqualTo(new[] { "200-299" }));
            Assert.That(monitor.FollowRedirects, Is.True);
            Assert.That(monitor.IgnoreTls, Is.False);
            Assert.That(monitor.IntervalSeconds, Is.EqualTo(60));
            Assert.That(monitor.TimeoutSeconds, Is.EqualTo(10));
            Assert.That(monitor.FailureThreshold, Is.EqualTo(1));
            Assert.That(monitor.RecoveryThreshold, Is.EqualTo(1));
            Assert.That(monitor.AlertOnRecovery, Is.True);
            Assert.That(monitor.ResendEverySeconds, Is.EqualTo(0));
            Assert.That(monitor.Status, Is.EqualTo("new"));
            Assert.That(monitor.StatusChangedAt, Is.Null);
        });
        Assert.That(await Expect.OutboxAsync("MonitorUpserted", "monitorId", monitor.Id, 1), Is.EqualTo(1));

        var body = await Db.CountAsync(
            $"select count(*) from gateway.outbox where body->>'monitorId' = '{monitor.Id}' and body->'http'->>'url' = 'https://example.com/health' and (body->>'paused')::boolean = false");
        Assert.That(body, Is.EqualTo(1), "the event carries the HTTP check spec");
    }

    [Test]
    public async Task Create_keeps_every_given_field()
    {
        var monitor = await CreateAsync(api, new
        {
            name = "checkout",
            type = "http",
            url = "http://shop.test/cart",
            method = "post",
            headers = new Dictionary<string, string> { ["X-Probe"] = "1" },
            body = "{}",
            expectedStatus = new[] { "200", "301-302" },
            followRedirects = false,
            ignoreTls = true,
            intervalSeconds = 5,
            failureThreshold = 3,
            recoveryThreshold = 2,
            alertOnRecovery = false,
            customMessage = "call ops",
            tags = new[] { "prod", "team:shop" },
            resendEverySeconds = 3600,
        });

        var fetched = await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}");
        Assert.Multiple(() =>
        {
            Assert.That(fetched!.Method, Is.EqualTo("POST"));
            Assert.That(fetched.Headers["X-Probe"], Is.EqualTo("1"));
            Assert.That(fetched.Body, Is.EqualTo("{}"));
            Assert.That(fetched.ExpectedStatus, Is.EqualTo(new[] { "200", "301-302" }));
            Assert.That(fetched.FollowRedirects, Is.False);
            Assert.That(fetched.IgnoreTls, Is.True);
            Assert.That(fetched.IntervalSeconds, Is.EqualTo(5));
            Assert.That(fetched.TimeoutSeconds, Is.EqualTo(5), "the default timeout is min(10, interval)");
            Assert.That(fetched.FailureThreshold, Is.EqualTo(3));
            Assert.That(fetched.RecoveryThreshold, Is.EqualTo(2));
            Assert.That(fetched.AlertOnRecovery, Is.False);
            Assert.That(fetched.CustomMessage, Is.EqualTo("call ops"));
            Assert.That(fetched.Tags, Is.EqualTo(new[] { "prod", "team:shop" }));
            Assert.That(fetched.ResendEverySeconds, Is.EqualTo(3600));
        });
    }

    [Test]
    public async Task List_pages_with_an_opaque_cursor_and_shows_only_the_callers_tenant()
    {
        using var tenant = Client(OtherTenantSecret);
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
            created.Add((await CreateAsync(tenant, new { name = $"m{i}", type = "http", url = "https://example.com" })).Id);

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await tenant.GetFromJsonAsync<JsonElement>($"/api/v1/monitors?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}"));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null && pages < 10);

        Assert.That(seen, Is.SupersetOf(created));
        Assert.That(seen, Is.Unique);
        Assert.That(pages, Is.GreaterThanOrEqualTo(3));
        var mine = await api.GetFromJsonAsync<JsonElement>("/api/v1/monitors?limit=500");
        var mineIds = mine.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetGuid());
        Assert.That(mineIds.Intersect(created), Is.Empty, "another tenant's monitors are invisible");
    }

    [Test]
    public async Task Put_replaces_the_definition_and_publishes_the_next_version()
    {
        var monitor = await CreateAsync(api, new { name = "a", type = "http", url = "https://a.test", tags = new[] { "x" }, intervalSeconds = 30 });

        var response = await api.PutAsJsonAsync($"/api/v1/monitors/{monitor.Id}", new { name = "b", type = "http", url = "https://b.test" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var replaced = (await response.Content.ReadFromJsonAsync<MonitorResponse>())!;
        Assert.Multiple(() =>
        {
            Assert.That(replaced.Name, Is.EqualTo("b"));
            Assert.That(replaced.Url, Is.EqualTo("https://b.test"));
            Assert.That(replaced.Tags, Is.Empty, "PUT resets fields left out");
            Assert.That(replaced.IntervalSeconds, Is.EqualTo(60));
            Assert.That(replaced.CreatedAt, Is.EqualTo(monitor.CreatedAt));
        });
        Assert.That(await Expect.OutboxAsync("MonitorUpserted", "monitorId", monitor.Id, 2), Is.EqualTo(1));
    }

    [Test]
    public async Task Patch_merges_given_fields_and_null_resets_to_the_default()
    {
        var monitor = await CreateAsync(api, new { name = "a", type = "http", url = "https://a.test", tags = new[] { "x" }, intervalSeconds = 30, customMessage = "hi" });

        var response = await api.PatchAsync($"/api/v1/monitors/{monitor.Id}", Expect.Json("""{ "intervalSeconds": 120, "customMessage": null }"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var patched = (await response.Content.ReadFromJsonAsync<MonitorResponse>())!;
        Assert.Multiple(() =>
        {
            Assert.That(patched.IntervalSeconds, Is.EqualTo(120));
            Assert.That(patched.CustomMessage, Is.Null);
            Assert.That(patched.Name, Is.EqualTo("a"));
            Assert.That(patched.Tags, Is.EqualTo(new[] { "x" }));
            Assert.That(patched.TimeoutSeconds, Is.EqualTo(10));
        });
        Assert.That(await Expect.OutboxAsync("MonitorUpserted", "monitorId", monitor.Id, 2), Is.EqualTo(1));
    }

    [Test]
    public async Task Pause_and_resume_flip_the_status_and_publish_each_version()
    {
        var monitor = await CreateAsync(api);

        var paused = await api.PostAsync($"/api/v1/monitors/{monitor.Id}/pause", null);
        Assert.That((await paused.Content.ReadFromJsonAsync<MonitorResponse>())!.Status, Is.EqualTo("paused"));
        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.outbox where body->>'monitorId' = '{monitor.Id}' and (body->>'version')::bigint = 2 and (body->>'paused')::boolean"), Is.EqualTo(1));

        var resumed = await api.PostAsync($"/api/v1/monitors/{monitor.Id}/resume", null);
        Assert.That((await resumed.Content.ReadFromJsonAsync<MonitorResponse>())!.Status, Is.EqualTo("new"));
        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.outbox where body->>'monitorId' = '{monitor.Id}' and (body->>'version')::bigint = 3 and not (body->>'paused')::boolean"), Is.EqualTo(1));
    }

    [Test]
    public async Task Delete_removes_the_monitor_and_publishes_MonitorDeleted_with_the_next_version()
    {
        var monitor = await CreateAsync(api);
        await api.PostAsync($"/api/v1/monitors/{monitor.Id}/pause", null);

        var response = await api.DeleteAsync($"/api/v1/monitors/{monitor.Id}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Expect.OutboxAsync("MonitorDeleted", "monitorId", monitor.Id, 3), Is.EqualTo(1));
        await Expect.ProblemAsync(await api.GetAsync($"/api/v1/monitors/{monitor.Id}"), HttpStatusCode.NotFound, "https://sentinel.dev/problems/not-found");
    }

    // ---- bad input: every rejection is problem+json and stores nothing ----

    static readonly object[] InvalidBodies =
    [
        new object[] { """{ "type": "http", "url": "https://a.test" }""", "name" },
        new object[] { """{ "name": "", "type": "http", "url": "https://a.test" }""", "name" },
        new object[] { $$"""{ "name": "{{new string('n', 201)}}", "type": "http", "url": "https://a.test" }""", "name" },
        new object[] { """{ "name": "a", "url": "https://a.test" }""", "type" },
        new object[] { """{ "name": "a", "type": "http" }""", "url" },
        new object[] { """{ "name": "a", "type": "http", "url": "ftp://a.test" }""", "url" },
        new object[] { """{ "name": "a", "type": "http", "url": "/relative" }""", "url" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "method": "FETCH" }""", "method" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "headers": { "bad name": "x" } }""", "headers" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "expectedStatus": ["600"] }""", "expectedStatus" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "expectedStatus": ["299-200"] }""", "expectedStatus" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "expectedStatus": [] }""", "expectedStatus" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "intervalSeconds": 4 }""", "intervalSeconds" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "intervalSeconds": 86401 }""", "intervalSeconds" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "timeoutSeconds": 0 }""", "timeoutSeconds" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "timeoutSeconds": 121 }""", "timeoutSeconds" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "intervalSeconds": 10, "timeoutSeconds": 11 }""", "timeoutSeconds" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "failureThreshold": 0 }""", "failureThreshold" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "recoveryThreshold": 101 }""", "recoveryThreshold" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "channelIds": ["0198a2f0-0000-7000-8000-000000000001"] }""", "channelIds" },
        new object[] { $$"""{ "name": "a", "type": "http", "url": "https://a.test", "customMessage": "{{new string('m', 2001)}}" }""", "customMessage" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "tags": ["UPPER"] }""", "tags" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "tags": [""] }""", "tags" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "resendEverySeconds": -1 }""", "resendEverySeconds" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "resendEverySeconds": 604801 }""", "resendEverySeconds" },
    ];

    [TestCaseSource(nameof(InvalidBodies))]
    public async Task Create_with_an_invalid_field_is_a_validation_problem_naming_the_field(string body, string field)
    {
        var response = await Expect.NothingStoredAsync(() => api.PostAsync("/api/v1/monitors", Expect.Json(body)));
        await Expect.ValidationAsync(response, field);
    }

    [TestCaseSource(nameof(InvalidBodies))]
    public async Task Put_with_an_invalid_field_is_a_validation_problem_naming_the_field(string body, string field)
    {
        var monitor = await CreateAsync(api);
        var response = await Expect.NothingStoredAsync(() => api.PutAsync($"/api/v1/monitors/{monitor.Id}", Expect.Json(body)));
        await Expect.ValidationAsync(response, field);
    }

    [Test]
    public async Task An_unsupported_type_names_the_supported_ones()
    {
        var response = await Expect.NothingStoredAsync(() =>
            api.PostAsync("/api/v1/monitors", Expect.Json("""{ "name": "a", "type": "smtp", "url": "https://a.test" }""")));
        var problem = await Expect.ValidationAsync(response, "type");
        Assert.That(problem.GetProperty("errors").GetProperty("type")[0].GetString(), Does.Contain("http"));
    }

    [Test]
    public async Task Another_tenants_channel_cannot_be_attached()
    {
        using var other = Client(OtherTenantSecret);
        var foreign = await Channels.ChannelEndpointsTests.CreateAsync(other);

        var response = await Expect.NothingStoredAsync(() => api.PostAsJsonAsync("/api/v1/monitors",
            new { name = "a", type = "http", url = "https://a.test", channelIds = new[] { foreign.Id } }));
        await Expect.ValidationAsync(response, "channelIds");
    }

    static readonly object[] MalformedBodies =
    [
        new object[] { """{ "name": "a", """, "Malformed JSON" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "colour": "red" }""", "Unknown property 'colour'" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "intervalSeconds": "sixty" }""", "$.intervalSeconds" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "followRedirects": "yes" }""", "$.followRedirects" },
        new object[] { """{ "name": "a", "type": "http", "url": "https://a.test", "tags": "prod" }""", "$.tags" },
        new object[] { """[1, 2]""", "$" },
        new object[] { "", "body" },
    ];

    [TestCaseSource(nameof(MalformedBodies))]
    public async Task Create_with_malformed_json_says_what_and_where(string body, string detail)
    {
        var response = await Expect.NothingStoredAsync(() => api.PostAsync("/api/v1/monitors", Expect.Json(body)));
        if (body.Length == 0)
            await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "https://sentinel.dev/problems/malformed-request");
        else
            await Expect.MalformedAsync(response, detail);
    }

    [TestCaseSource(nameof(MalformedBodies))]
    public async Task Put_with_malformed_json_says_what_and_where(string body, string detail)
    {
        var monitor = await CreateAsync(api);
        var response = await Expect.NothingStoredAsync(() => api.PutAsync($"/api/v1/monitors/{monitor.Id}", Expect.Json(body)));
        if (body.Length == 0)
            await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "https://sentinel.dev/problems/malformed-request");
        else
            await Expect.MalformedAsync(response, detail);
    }

    [TestCase("""{ "intervalSeconds": 1 }""", "intervalSeconds")]
    [TestCase("""{ "name": null }""", "name")]
    [TestCase("""{ "timeoutSeconds": 100 }""", "timeoutSeconds")]
    [TestCase("""{ "type": "smtp" }""", "type")]
    [TestCase("""{ "type": "dns" }""", "host")]
    public async Task Patch_validates_the_merged_result(string body, string field)
    {
        var monitor = await CreateAsync(api);
        var response = await Expect.NothingStoredAsync(() => api.PatchAsync($"/api/v1/monitors/{monitor.Id}", Expect.Json(body)));
        await Expect.ValidationAsync(response, field);
    }

    [TestCase("""{ "interval": 30 }""", "Unknown property 'interval'")]
    [TestCase("""{ "intervalSeconds": "30" }""", "$.intervalSeconds")]
    [TestCase("""{ "name": """, "Malformed JSON")]
    [TestCase("""[]""", "$")]
    public async Task Patch_with_malformed_json_says_what_and_where(string body, string detail)
    {
        var monitor = await CreateAsync(api);
        var response = await Expect.NothingStoredAsync(() => api.PatchAsync($"/api/v1/monitors/{monitor.Id}", Expect.Json(body)));
        await Expect.MalformedAsync(response, detail);
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=501", "limit")]
    [TestCase("cursor=not-a-cursor", "cursor")]
    public async Task List_with_a_bad_limit_or_cursor_is_a_validation_problem(string query, string field) =>
        await Expect.ValidationAsync(await api.GetAsync($"/api/v1/monitors?{query}"), field);

    [Test]
    public async Task List_with_a_limit_that_is_not_a_number_is_a_bad_request() =>
        await Expect.ProblemAsync(await api.GetAsync("/api/v1/monitors?limit=ten"), HttpStatusCode.BadRequest,
            "https://sentinel.dev/problems/malformed-request");

    [Test]
    public async Task An_unknown_monitor_is_not_found_on_every_endpoint()
    {
        var id = Guid.CreateVersion7();
        var valid = new { name = "a", type = "http", url = "https://a.test" };
        var responses = new[]
        {
            await api.GetAsync($"/api/v1/monitors/{id}"),
            await api.PutAsJsonAsync($"/api/v1/monitors/{id}", valid),
            await api.PatchAsync($"/api/v1/monitors/{id}", Expect.Json("{}")),
            await api.DeleteAsync($"/api/v1/monitors/{id}"),
            await api.PostAsync($"/api/v1/monitors/{id}/pause", null),
            await api.PostAsync($"/api/v1/monitors/{id}/resume", null),
            await api.GetAsync($"/api/v1/monitors/{id}/incidents"),
            await api.GetAsync($"/api/v1/monitors/{id}/results"),
        };
        foreach (var response in responses)
            await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "https://sentinel.dev/problems/not-found");
    }
}
