using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sentinel.Testing;

namespace Sentinel.EndToEnd.Tests;

/// Heartbeats through all six services: pings on the Gateway's public URLs, deadlines kept by the Scheduler, up/down
/// decided by Alert-Evaluation, notifications by Delivery, ping history by Telemetry-Ingest. The Gateway's minimum
/// period is lowered for these tests (Heartbeats__MinSeconds) so a missed deadline takes seconds, not minutes.
[TestFixture]
public sealed class HeartbeatTests
{
    static readonly TimeSpan Period = TimeSpan.FromSeconds(4);
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    LoopbackServer server = null!;
    readonly HttpClient pinger = new() { Timeout = TimeSpan.FromSeconds(10) };

    [OneTimeSetUp]
    public async Task StartServerAsync() => server = await LoopbackServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        pinger.Dispose();
        await server.DisposeAsync();
    }

    [Test]
    public async Task A_missed_deadline_pages_once_and_the_next_ping_resolves_it()
    {
        var (monitorId, pingUrl) = await CreateHeartbeatAsync("late");
        var lastPing = DateTimeOffset.UtcNow;
        await PingAsync(pingUrl);
        // The ping was taken (the heartbeat left `new`). Only period + grace (6 s) separate `up` from `down` here, and a
        // loaded CI box can spend that between two polls, so this waits for either; `up` itself is asserted by the
        // tests with an hour-long period.
        await Poll.UntilAsync(
            async () => (await SentinelSystem.Gateway.GetFromJsonAsync<JsonElement>($"monitors/{monitorId}"))
                .GetProperty("status").GetString(),
            s => s is "up" or "grace" or "down",
            TimeSpan.FromSeconds(30),
            $"monitor {monitorId} to take its first ping");

        // No more pings: late once period + grace have passed since the last one.
        var down = await WaitForNotificationAsync("late", "down", TimeSpan.FromSeconds(40));
        var notifiedAt = DateTimeOffset.UtcNow;
        Assert.That(down.GetProperty("monitor").GetProperty("id").GetGuid(), Is.EqualTo(monitorId));
        Assert.That(notifiedAt - lastPing, Is.GreaterThanOrEqualTo(Period + Grace - TimeSpan.FromMilliseconds(500)),
            "not before the deadline");
        Assert.That(notifiedAt - lastPing, Is.LessThan(Period + Grace + TimeSpan.FromSeconds(5)),
            "the webhook is called within seconds of the deadline");
        await WaitForStatusAsync(monitorId, "down");

        await PingAsync(pingUrl);
        var up = await WaitForNotificationAsync("late", "up", TimeSpan.FromSeconds(30));
        Assert.That(up.GetProperty("incidentId").GetGuid(), Is.EqualTo(down.GetProperty("incidentId").GetGuid()));
        await WaitForStatusAsync(monitorId, "up");
        Assert.That(server.Received("late", "down"), Has.Count.EqualTo(1), "down notifications");
    }

    [Test]
    public async Task A_fail_ping_alerts_at_once_and_its_body_is_kept_in_the_ping_history()
    {
        var (monitorId, pingUrl) = await CreateHeartbeatAsync("fail", periodSeconds: 3600);
        await PingAsync(pingUrl + "/start");
        await PingAsync(pingUrl);
        await WaitForStatusAsync(monitorId, "up");

        var failedAt = DateTimeOffset.UtcNow;
        await PingAsync(pingUrl + "/fail", "backup failed: disk full");
        var down = await WaitForNotificationAsync("fail", "down", TimeSpan.FromSeconds(20));
        Assert.That(DateTimeOffset.UtcNow - failedAt, Is.LessThan(TimeSpan.FromSeconds(10)), "a fail pages at once");
        Assert.That(down.GetProperty("monitor").GetProperty("id").GetGuid(), Is.EqualTo(monitorId));

        await PingAsync(pingUrl + "/0");
        await WaitForNotificationAsync("fail", "up", TimeSpan.FromSeconds(20));

        var pings = await Poll.UntilAsync(
            async () => (await SentinelSystem.Gateway.GetFromJsonAsync<JsonElement>($"monitors/{monitorId}/pings"))
                .GetProperty("items").EnumerateArray().ToList(),
            items => items.Count >= 4, TimeSpan.FromSeconds(20), "four pings in the history");
        Assert.That(pings.Select(p => p.GetProperty("kind").GetString()), Is.EqualTo(new[] { "success", "fail", "success", "start" }),
            "newest first");
        Assert.That(pings[1].GetProperty("body").GetString(), Is.EqualTo("backup failed: disk full"));
        Assert.That(pings[0].GetProperty("exitStatus").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task Pings_answered_200_are_all_kept_when_the_gateway_is_killed_right_after_answering()
    {
        var (monitorId, pingUrl) = await CreateHeartbeatAsync("kill", periodSeconds: 3600);
        const int count = 200;
        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var response = await pinger.PostAsync(pingUrl + "/log", new StringContent($"line {i}", Encoding.UTF8, "text/plain"));
            return response.StatusCode;
        }));
        await SentinelSystem.Service("Gateway").KillAsync();
        try
        {
            Assert.That(answers, Is.All.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            await SentinelSystem.Service("Gateway").StartAsync();
        }

        var stored = await Poll.UntilAsync(
            async () => await CountPingsAsync(monitorId),
            n => n >= count, TimeSpan.FromSeconds(30), $"{count} pings stored after the Gateway was killed");
        Assert.That(stored, Is.EqualTo(count), "each ping stored once");
    }

    static async Task<int> CountPingsAsync(Guid monitorId)
    {
        var total = 0;
        string? cursor = null;
        do
        {
            var page = await SentinelSystem.Gateway.GetFromJsonAsync<JsonElement>(
                $"monitors/{monitorId}/pings?limit=500" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            total += page.GetProperty("items").GetArrayLength();
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return total;
    }

    async Task<(Guid MonitorId, string PingUrl)> CreateHeartbeatAsync(string name, int? periodSeconds = null)
    {
        var channel = await PostAsync("channels", new { name = $"{name} hook", type = "webhook", settings = new { url = server.WebhookUrl(name) } });
        var monitor = await PostAsync("monitors", new
        {
            name = $"{name} job",
            type = "heartbeat",
            periodSeconds = periodSeconds ?? (int)Period.TotalSeconds,
            graceSeconds = (int)Grace.TotalSeconds,
            failureThreshold = 1,
            channelIds = new[] { channel.GetProperty("id").GetGuid() },
        });
        var pingUrl = monitor.GetProperty("pingUrl").GetString()!;
        Assert.That(pingUrl, Does.StartWith("http://127.0.0.1:"), "the ping URL points at this Gateway");
        return (monitor.GetProperty("id").GetGuid(), pingUrl);
    }

    async Task PingAsync(string url, string? body = null)
    {
        using var response = body is null ? await pinger.GetAsync(url) : await pinger.PostAsync(url, new StringContent(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    static async Task<JsonElement> PostAsync(string path, object body)
    {
        var response = await SentinelSystem.Gateway.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    static Task WaitForStatusAsync(Guid monitorId, string status) =>
        Poll.UntilAsync(
            async () => (await SentinelSystem.Gateway.GetFromJsonAsync<JsonElement>($"monitors/{monitorId}"))
                .GetProperty("status").GetString(),
            s => s == status,
            TimeSpan.FromSeconds(30),
            $"monitor {monitorId} to be {status}");

    async Task<JsonElement> WaitForNotificationAsync(string name, string @event, TimeSpan timeout) =>
        (await Poll.UntilAsync(
            () => Task.FromResult(server.Received(name, @event)),
            r => r.Count > 0,
            timeout,
            $"a '{@event}' notification on webhook {name}"))[0];
}
