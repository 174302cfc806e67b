using System.Net;
using System.Text;
using Sentinel.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Monitors;
using Sentinel.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;
using static Sentinel.Gateway.Tests.Heartbeats.HeartbeatFixture;

namespace Sentinel.Gateway.Tests.Heartbeats;

/// The public ping URLs end to end: request → classification → a HeartbeatsPacked batch confirmed by RabbitMQ
/// (observed on a queue of its own) → "OK".
public sealed class PingEndpointTests
{
    static HttpClient Anonymous() => GatewayFactory.CreateClient();

    static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url, string? body = null) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "text/plain"),
        });

    static async Task ExpectOkAsync(HttpResponseMessage response, string method)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        if (method != "HEAD") // Kestrel drops a HEAD answer's body; the in-memory test server does not
            Assert.That(text, Is.EqualTo("OK"));
    }

    [TestCase("GET", "", "success", null)]
    [TestCase("HEAD", "", "success", null)]
    [TestCase("POST", "", "success", null)]
    [TestCase("GET", "/start", "start", null)]
    [TestCase("POST", "/start", "start", null)]
    [TestCase("HEAD", "/fail", "fail", null)]
    [TestCase("POST", "/fail", "fail", null)]
    [TestCase("GET", "/log", "log", null)]
    [TestCase("POST", "/log", "log", null)]
    [TestCase("GET", "/0", "success", 0)]
    [TestCase("POST", "/1", "fail", 1)]
    [TestCase("HEAD", "/255", "fail", 255)]
    public async Task Every_token_url_and_method_is_published_with_its_kind_and_answered_OK(string method, string suffix, string kind, int? exitStatus)
    {
        var monitor = await CreateHeartbeatAsync();
        using var client = Anonymous();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("backup-script/1.0");

        await ExpectOkAsync(await SendAsync(client, method, $"/ping/{TokenOf(monitor)}{suffix}", method == "POST" ? "done" : null), method);

        var ping = await PublishedAsync(monitor.Id);
        Assert.That(ping.Kind, Is.EqualTo(kind));
        Assert.That(ping.ExitStatus, Is.EqualTo(exitStatus));
        Assert.That(ping.Method, Is.EqualTo(method));
        Assert.That(ping.TenantId, Is.Not.EqualTo(Guid.Empty));
        Assert.That(ping.UserAgent, Is.EqualTo("backup-script/1.0"));
        Assert.That(ping.Body, Is.EqualTo(method == "POST" ? "done" : null));
        Assert.That(ping.BodyTruncated, Is.False);
        Assert.That(ping.ReceivedAt, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
    }

    [TestCase("256")]
    [TestCase("-1")]
    [TestCase("1000")]
    public async Task An_exit_status_outside_0_to_255_is_a_400_and_publishes_nothing(string status)
    {
        var monitor = await CreateHeartbeatAsync();
        using var client = Anonymous();
        await Expect.ValidationAsync(await client.GetAsync($"/ping/{TokenOf(monitor)}/{status}"), "exitStatus");
        await Task.Delay(300);
        Assert.That(PingsOf(monitor.Id), Is.Empty);
    }

    [TestCase("")]
    [TestCase("/start")]
    [TestCase("/fail")]
    [TestCase("/1")]
    public async Task An_unknown_token_is_a_404_not_found(string suffix)
    {
        using var client = Anonymous();
        var response = await client.PostAsync($"/ping/AAAAAAAAAAAAAAAAAAAAAA{suffix}", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("not found"));
    }

    [Test]
    public async Task Another_method_on_a_ping_url_is_a_405_problem()
    {
        var monitor = await CreateHeartbeatAsync();
        using var client = Anonymous();
        await Expect.ProblemAsync(await SendAsync(client, "PUT", $"/ping/{TokenOf(monitor)}", "done"), HttpStatusCode.MethodNotAllowed);
    }

    [Test]
    public async Task Pings_take_the_lean_pipeline_counted_by_the_ping_counter_not_the_HTTP_metrics()
    {
        var monitor = await CreateHeartbeatAsync();
        using var client = Anonymous();
        await ExpectOkAsync(await client.GetAsync($"/ping/{TokenOf(monitor)}"), "GET");
        await ExpectOkAsync(await client.GetAsync($"/ping/{TokenOf(monitor)}/start"), "GET");

        // The HTTP metrics middleware labels each request with its route: an answered ping there means it went through
        // the whole API pipeline (authentication, authorization, rate limiter, metrics) again. (A method the ping URLs
        // do not take is routing's 405 and does go that way.)
        var metrics = await client.GetStringAsync("/metrics");
        var pingLines = metrics.Split('\n').Where(l => l.StartsWith("http_request") && l.Contains("endpoint=\"/ping/")).ToList();
        Assert.That(pingLines.Where(l => l.Contains("code=\"200\"")), Is.Empty, string.Join("\n", pingLines.Take(5)));
        Assert.That(metrics, Does.Contain("sentinel_heartbeat_pings_total{kind=\"start\"}"));
        Assert.That(metrics, Does.Contain("/api/v1/monitors"), "the API's requests are still measured");
    }

    [Test]
    public async Task A_body_longer_than_the_limit_is_cut_to_10240_bytes_and_flagged()
    {
        var monitor = await CreateHeartbeatAsync();
        using var client = Anonymous();
        await ExpectOkAsync(await client.PostAsync($"/ping/{TokenOf(monitor)}/fail", new StringContent(new string('x', 20_000))), "POST");

        var ping = await PublishedAsync(monitor.Id);
        Assert.That(ping.Body, Has.Length.EqualTo(10_240));
        Assert.That(ping.BodyTruncated, Is.True);
    }

    [TestCase("backup failed: disk full", "fail")]
    [TestCase("backup OK, 3 files", "success")]
    [TestCase("backup started", "start")]
    [TestCase("nothing to see", "log")]
    [TestCase("started, then failed", "fail")]
    public async Task Keyword_filters_classify_the_body_of_a_plain_ping(string body, string kind)
    {
        var monitor = await CreateHeartbeatAsync(new
        {
            name = "filtered", type = "heartbeat", startKeywords = new[] { "started" }, successKeywords = new[] { "OK" },
            failureKeywords = new[] { "failed", "error" },
        });
        using var client = Anonymous();
        await ExpectOkAsync(await client.PostAsync($"/ping/{TokenOf(monitor)}", new StringContent(body)), "POST");
        Assert.That((await PublishedAsync(monitor.Id)).Kind, Is.EqualTo(kind));
    }

    [Test]
    public async Task A_post_only_monitor_refuses_GET_and_HEAD_with_405_and_takes_POST()
    {
        var monitor = await CreateHeartbeatAsync(new { name = "post only", type = "heartbeat", allowedMethods = new[] { "post" } });
        using var client = Anonymous();

        await Expect.ProblemAsync(await client.GetAsync($"/ping/{TokenOf(monitor)}"), HttpStatusCode.MethodNotAllowed,
            "https://sentinel.dev/problems/method-not-allowed");
        var head = await SendAsync(client, "HEAD", $"/ping/{TokenOf(monitor)}/start");
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        await ExpectOkAsync(await client.PostAsync($"/ping/{TokenOf(monitor)}", null), "POST");

        Assert.That((await PublishedAsync(monitor.Id)).Method, Is.EqualTo("POST"));
        Assert.That(PingsOf(monitor.Id).Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_run_id_travels_with_the_ping_and_an_invalid_one_is_a_400()
    {
        var monitor = await CreateHeartbeatAsync();
        var runId = Guid.NewGuid();
        using var client = Anonymous();

        await ExpectOkAsync(await client.GetAsync($"/ping/{TokenOf(monitor)}/start?rid={runId}"), "GET");
        Assert.That((await PublishedAsync(monitor.Id)).RunId, Is.EqualTo(runId));
        await Expect.ValidationAsync(await client.GetAsync($"/ping/{TokenOf(monitor)}?rid=not-a-uuid"), "rid");
    }

    [Test]
    public async Task Slug_urls_ping_by_the_tenants_ping_key_and_create_1_provisions_a_heartbeat()
    {
        var pingKey = (await ApiClient.GetFromJsonAsync<JsonElement>("/api/v1/ping-key")).GetProperty("pingKey").GetString()!;
        var slug = $"db-backup-{Guid.NewGuid():N}"[..30];
        using var client = Anonymous();

        var unknown = await client.GetAsync($"/ping/{pingKey}/{slug}");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "without create=1 an unknown slug is not created");
        Assert.That(await Db.CountAsync($"select count(*) from gateway.monitors where slug = '{slug}'"), Is.Zero);

        await ExpectOkAsync(await client.GetAsync($"/ping/{pingKey}/{slug}/start?create=1"), "GET");
        Guid id;
        await using (var catalog = NewCatalog())
            id = await catalog.Monitors.Where(m => m.Slug == slug).Select(m => m.Id).SingleAsync();
        var monitor = (await ApiClient.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{id}"))!;
        Assert.That(monitor.Name, Is.EqualTo(slug));
        Assert.That(monitor.PeriodSeconds, Is.EqualTo(86_400));
        Assert.That(monitor.GraceSeconds, Is.EqualTo(3_600));
        Assert.That(monitor.PingUrls!.Slug, Is.EqualTo($"https://hc.example.test/ping/{pingKey}/{slug}"));
        Assert.That((await PublishedAsync(monitor.Id)).Kind, Is.EqualTo(HeartbeatPingKinds.Start));

        await ExpectOkAsync(await client.PostAsync($"/ping/{pingKey}/{slug}", null), "POST");
        await ExpectOkAsync(await client.PostAsync($"/ping/{pingKey}/{slug}/fail", null), "POST");
        await ExpectOkAsync(await client.PostAsync($"/ping/{pingKey}/{slug}/log", null), "POST");
        await ExpectOkAsync(await client.PostAsync($"/ping/{pingKey}/{slug}/2", null), "POST");
        await ExpectOkAsync(await client.PostAsync($"/ping/{pingKey}/{slug}?create=1", null), "POST");
        await PublishedAsync(monitor.Id, p => p.ExitStatus == 2);
        await Poll.UntilAsync(() => Task.FromResult(PingsOf(monitor.Id).Select(p => p.Kind).Order().ToList()),
            kinds => kinds.SequenceEqual(["fail", "fail", "log", "start", "success", "success"]), TimeSpan.FromSeconds(20), "all slug pings");
        Assert.That(await Db.CountAsync($"select count(*) from gateway.monitors where slug = '{slug}'"), Is.EqualTo(1));

        Assert.That((await client.GetAsync($"/ping/AAAAAAAAAAAAAAAAAAAAAA/{slug}?create=1")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "an unknown ping key creates nothing");
        Assert.That((await client.GetAsync($"/ping/{pingKey}/{slug}/nonsense")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        await Expect.ValidationAsync(await client.GetAsync($"/ping/{pingKey}/Bad_Slug?create=1"), "slug");
    }

    [TestCase("up", "success")]
    [TestCase("down", "fail")]
    [TestCase(null, "success")]
    public async Task Uptime_Kuma_push_urls_are_accepted_with_status_message_and_ping(string? status, string kind)
    {
        var monitor = await CreateHeartbeatAsync();
        using var client = Anonymous();
        var query = status is null ? "" : $"?status={status}&msg=all%20good&ping=12.5";

        var response = await client.GetAsync($"/api/push/{TokenOf(monitor)}{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean(), Is.True);

        var ping = await PublishedAsync(monitor.Id);
        Assert.That(ping.Kind, Is.EqualTo(kind));
        Assert.That(ping.Message, Is.EqualTo(status is null ? null : "all good"));
        Assert.That(ping.ReportedLatencyMs, Is.EqualTo(status is null ? null : 12.5));
    }

    [Test]
    public async Task An_unknown_Uptime_Kuma_token_answers_ok_false_with_404()
    {
        using var client = Anonymous();
        var response = await client.GetAsync("/api/push/AAAAAAAAAAAAAAAAAAAAAA?status=up");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.GetProperty("ok").GetBoolean(), Is.False);
        Assert.That(answer.GetProperty("msg").GetString(), Is.Not.Empty);
    }

    [Test]
    public async Task Pings_to_a_paused_monitor_are_still_published()
    {
        var monitor = await CreateHeartbeatAsync();
        Assert.That((await ApiClient.PostAsync($"/api/v1/monitors/{monitor.Id}/pause", null)).IsSuccessStatusCode, Is.True);
        using var client = Anonymous();
        await ExpectOkAsync(await client.GetAsync($"/ping/{TokenOf(monitor)}"), "GET");
        await PublishedAsync(monitor.Id);
    }

    [Test]
    public async Task X_Forwarded_For_is_the_source_only_when_the_proxy_is_trusted()
    {
        var monitor = await CreateHeartbeatAsync();
        using var client = Anonymous();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/ping/{TokenOf(monitor)}");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9, 10.0.0.1");
        await ExpectOkAsync(await client.SendAsync(request), "GET");
        Assert.That((await PublishedAsync(monitor.Id)).SourceIp, Is.Not.EqualTo("203.0.113.9"));

        await using var trusting = GatewayFactory.WithWebHostBuilder(b => b.UseSetting("Heartbeats:TrustForwardedFor", "true"));
        var behindProxy = await CreateHeartbeatAsync(client: Client(trusting, BootstrapSecret));
        using var proxied = trusting.CreateClient();
        request = new HttpRequestMessage(HttpMethod.Get, $"/ping/{TokenOf(behindProxy)}");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9, 10.0.0.1");
        await ExpectOkAsync(await proxied.SendAsync(request), "GET");
        Assert.That((await PublishedAsync(behindProxy.Id)).SourceIp, Is.EqualTo("203.0.113.9"));
    }
}
