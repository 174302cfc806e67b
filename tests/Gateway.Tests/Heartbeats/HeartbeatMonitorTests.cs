using System.Net;
using Sentinel.Gateway.Monitors;
using static Sentinel.Gateway.Tests.GatewayFixture;
using static Sentinel.Gateway.Tests.Heartbeats.HeartbeatFixture;

namespace Sentinel.Gateway.Tests.Heartbeats;

/// Heartbeat monitors through /api/v1/monitors: their settings, ping URLs, state, resume and slugs.
public sealed class HeartbeatMonitorTests
{
    [Test]
    public async Task A_heartbeat_is_created_with_a_secret_token_its_ping_urls_and_a_catalog_event_without_an_active_check()
    {
        var monitor = await CreateHeartbeatAsync(new
        {
            name = "nightly", type = "heartbeat", schedule = "0 3 * * *", timeZone = "Europe/Berlin", graceSeconds = 900,
            manualResume = true, conditions = new[] { "[DURATION] < 10m" },
        });

        var token = TokenOf(monitor);
        Assert.That(token, Does.Match("^[A-Za-z0-9_-]{22,}$"));
        Assert.That(monitor.Url, Is.Null);
        Assert.That(monitor.Schedule, Is.EqualTo("0 3 * * *"));
        Assert.That(monitor.TimeZone, Is.EqualTo("Europe/Berlin"));
        Assert.That(monitor.GraceSeconds, Is.EqualTo(900));
        Assert.That(monitor.PeriodSeconds, Is.Null);
        Assert.That(monitor.ManualResume, Is.True);
        Assert.That(monitor.PingUrl, Is.EqualTo($"https://hc.example.test/ping/{token}"));
        Assert.That(monitor.PingUrls, Is.EqualTo(new Sentinel.Gateway.Heartbeats.HeartbeatUrls(
            $"https://hc.example.test/ping/{token}", $"https://hc.example.test/ping/{token}/start",
            $"https://hc.example.test/ping/{token}/fail", $"https://hc.example.test/ping/{token}/log",
            $"https://hc.example.test/ping/{token}/{{exitStatus}}",
            $"https://hc.example.test/api/push/{token}?status=up&msg=OK&ping=", null)));

        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.outbox where body->>'monitorId' = '{monitor.Id}' and body->>'type' = 'heartbeat' " +
            "and body->'check'->'heartbeat'->>'schedule' = '0 3 * * *' and body->'check'->'heartbeat'->>'graceSeconds' = '900' " +
            "and body->'check'->'heartbeat'->>'manualResume' = 'true' and body->'check'->'conditions'->>0 = '[DURATION] < 10m' " +
            "and body->'http' = 'null'::jsonb"), Is.EqualTo(1));
        Assert.That(await Db.CountAsync($"select count(*) from gateway.monitors where id = '{monitor.Id}' and ping_token = '{token}'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Editing_a_heartbeat_keeps_its_token_and_changing_its_type_drops_it()
    {
        var monitor = await CreateHeartbeatAsync();
        var patched = await ApiClient.PatchAsync($"/api/v1/monitors/{monitor.Id}", Expect.Json("""{ "periodSeconds": 300 }"""));
        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.OK), await patched.Content.ReadAsStringAsync());
        var edited = (await patched.Content.ReadFromJsonAsync<MonitorResponse>())!;
        Assert.That(edited.PeriodSeconds, Is.EqualTo(300));
        Assert.That(edited.PingUrl, Is.EqualTo(monitor.PingUrl));

        var replaced = await ApiClient.PutAsJsonAsync($"/api/v1/monitors/{monitor.Id}", new { name = "now http", type = "http", url = "https://a.test" });
        Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK), await replaced.Content.ReadAsStringAsync());
        Assert.That((await replaced.Content.ReadFromJsonAsync<MonitorResponse>())!.PingUrl, Is.Null);
        Assert.That(await Db.CountAsync($"select count(*) from gateway.monitors where id = '{monitor.Id}' and ping_token is null"), Is.EqualTo(1));
    }

    [TestCase("""{ "name": "a", "type": "heartbeat", "periodSeconds": 30 }""", "periodSeconds")]
    [TestCase("""{ "name": "a", "type": "heartbeat", "periodSeconds": 31536001 }""", "periodSeconds")]
    [TestCase("""{ "name": "a", "type": "heartbeat", "periodSeconds": 3600, "schedule": "0 * * * *" }""", "schedule")]
    [TestCase("""{ "name": "a", "type": "heartbeat", "schedule": "every day" }""", "schedule")]
    [TestCase("""{ "name": "a", "type": "heartbeat", "schedule": "0 * * * *", "timeZone": "Europe/Atlantis" }""", "timeZone")]
    [TestCase("""{ "name": "a", "type": "heartbeat", "slug": "No Spaces" }""", "slug")]
    [TestCase("""{ "name": "a", "type": "heartbeat", "graceSeconds": 10 }""", "graceSeconds")]
    [TestCase("""{ "name": "a", "type": "heartbeat", "allowedMethods": ["DELETE"] }""", "allowedMethods")]
    [TestCase("""{ "name": "a", "type": "heartbeat", "conditions": ["[RESPONSE_TIME] < 10"] }""", "conditions[0]")]
    public async Task Invalid_heartbeat_settings_are_a_validation_problem_and_store_nothing(string body, string field)
    {
        var response = await Expect.NothingStoredAsync(() => ApiClient.PostAsync("/api/v1/monitors", Expect.Json(body)));
        await Expect.ValidationAsync(response, field);
    }

    [Test]
    public async Task A_slug_is_unique_per_tenant_with_409_on_create_and_update_but_free_in_another_tenant()
    {
        var slug = $"nightly-{Guid.NewGuid():N}"[..24];
        await CreateHeartbeatAsync(new { name = "first", type = "heartbeat", slug });

        await Expect.ProblemAsync(await ApiClient.PostAsJsonAsync("/api/v1/monitors", new { name = "second", type = "heartbeat", slug }),
            HttpStatusCode.Conflict, "https://sentinel.dev/problems/conflict");
        var other = await CreateHeartbeatAsync(new { name = "other", type = "heartbeat" });
        await Expect.ProblemAsync(await ApiClient.PatchAsync($"/api/v1/monitors/{other.Id}", Expect.Json($$"""{ "slug": "{{slug}}" }""")),
            HttpStatusCode.Conflict);

        using var otherTenant = Client(GatewayFactory, OtherTenantSecret);
        var elsewhere = await CreateHeartbeatAsync(new { name = "same slug elsewhere", type = "heartbeat", slug }, otherTenant);
        Assert.That(elsewhere.Slug, Is.EqualTo(slug));
    }

    [Test]
    public async Task Get_shows_the_schedulers_state_and_leaves_it_null_when_the_scheduler_does_not_know_or_is_slow()
    {
        var monitor = await CreateHeartbeatAsync();
        var fetched = await ApiClient.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}");
        Assert.That(fetched!.Heartbeat, Is.Null, "404 from the Scheduler");

        Owners.States[monitor.Id] = new
        {
            state = "started", lastPingAt = "2026-01-01T00:00:00+00:00", lastPingKind = "start",
            nextDeadlineAt = "2026-01-01T01:00:00+00:00", runStartedAt = "2026-01-01T00:00:00+00:00",
        };
        fetched = await ApiClient.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}");
        Assert.That(fetched!.Heartbeat, Is.EqualTo(new Sentinel.Gateway.Heartbeats.HeartbeatStateView(
            "started", DateTimeOffset.Parse("2026-01-01T00:00:00Z"), "start", DateTimeOffset.Parse("2026-01-01T01:00:00Z"),
            DateTimeOffset.Parse("2026-01-01T00:00:00Z"))));

        Owners.StateDelay = TimeSpan.FromSeconds(5);
        try
        {
            var started = DateTime.UtcNow;
            var slow = await ApiClient.GetAsync($"/api/v1/monitors/{monitor.Id}");
            Assert.That(slow.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await slow.Content.ReadFromJsonAsync<MonitorResponse>())!.Heartbeat, Is.Null);
            Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(4)), "Heartbeats:StateTimeoutMilliseconds (1 s)");
        }
        finally
        {
            Owners.StateDelay = TimeSpan.Zero;
        }
    }

    [Test]
    public async Task Resume_stamps_resumedAt_in_the_catalog_event_even_when_the_monitor_was_not_paused()
    {
        var monitor = await CreateHeartbeatAsync(new { name = "manual", type = "heartbeat", manualResume = true });
        var resumed = await ApiClient.PostAsync($"/api/v1/monitors/{monitor.Id}/resume", null);
        Assert.That(resumed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await resumed.Content.ReadAsStringAsync());
        Assert.That((await resumed.Content.ReadFromJsonAsync<MonitorResponse>())!.PingUrl, Is.EqualTo(monitor.PingUrl));

        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.outbox where body->>'monitorId' = '{monitor.Id}' and (body->>'version')::bigint = 2 " +
            "and body->>'resumedAt' is not null and body->>'paused' = 'false'"), Is.EqualTo(1));
        Assert.That(await Db.CountAsync($"select count(*) from gateway.monitors where id = '{monitor.Id}' and resumed_at is not null"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_ping_key_is_created_once_and_then_returned_as_it_is()
    {
        var first = await ApiClient.GetFromJsonAsync<JsonElement>("/api/v1/ping-key");
        var second = await ApiClient.GetFromJsonAsync<JsonElement>("/api/v1/ping-key");
        var key = first.GetProperty("pingKey").GetString();
        Assert.That(key, Does.Match("^[A-Za-z0-9_-]{22,}$"));
        Assert.That(second.GetProperty("pingKey").GetString(), Is.EqualTo(key));
        Assert.That(first.GetProperty("slugUrlPrefix").GetString(), Is.EqualTo($"https://hc.example.test/ping/{key}/"));
        using var anonymous = GatewayFactory.CreateClient();
        Assert.That((await anonymous.GetAsync("/api/v1/ping-key")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Check_now_on_a_heartbeat_is_a_409_because_nothing_is_checked_actively()
    {
        var monitor = await CreateHeartbeatAsync();
        await Expect.ProblemAsync(await ApiClient.PostAsync($"/api/v1/monitors/{monitor.Id}/check-now", null), HttpStatusCode.Conflict);
    }
}
