using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sentinel.Testing;

namespace Sentinel.EndToEnd.Tests;

/// The walking skeleton's story, through all six services: a monitored endpoint fails, one `down` reaches the
/// webhook after the second consecutive failure, and one `up` when it recovers.
[TestFixture]
public sealed class OutageTests
{
    static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    LoopbackServer server = null!;

    [OneTimeSetUp]
    public async Task StartServerAsync() => server = await LoopbackServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServerAsync() => await server.DisposeAsync();

    [Test]
    public async Task A_failing_endpoint_sends_exactly_one_down_and_one_up_notification_and_records_the_incident()
    {
        var (monitorId, _) = await CreateMonitorWithWebhookAsync("story");
        await WaitForStatusAsync(monitorId, "up");

        var failingSince = DateTimeOffset.UtcNow;
        server.Fail("story");
        var down = await WaitForNotificationAsync("story", "down");
        var downAt = DateTimeOffset.UtcNow;

        Assert.That(down.GetProperty("monitor").GetProperty("id").GetGuid(), Is.EqualTo(monitorId));
        Assert.That(down.GetProperty("monitor").GetProperty("name").GetString(), Is.EqualTo("story api"));
        Assert.That(down.GetProperty("status").GetString(), Is.EqualTo("down"));
        Assert.That(down.GetProperty("error").GetString(), Does.Contain("503"));
        var firstFailureAt = down.GetProperty("firstFailureAt").GetDateTimeOffset();
        Assert.That(firstFailureAt, Is.GreaterThanOrEqualTo(failingSince.AddSeconds(-1)));
        // failureThreshold 2: the down comes with the second failure, one interval after the first.
        Assert.That(downAt - firstFailureAt, Is.GreaterThan(Interval - TimeSpan.FromSeconds(1.5)));
        var incidentId = down.GetProperty("incidentId").GetGuid();
        await WaitForStatusAsync(monitorId, "down");

        server.Recover("story");
        var up = await WaitForNotificationAsync("story", "up");
        Assert.That(up.GetProperty("incidentId").GetGuid(), Is.EqualTo(incidentId));
        Assert.That(up.GetProperty("status").GetString(), Is.EqualTo("up"));
        await WaitForStatusAsync(monitorId, "up");

        // Two more intervals of checks: nothing more may arrive.
        await Task.Delay(Interval * 2);
        Assert.That(server.Received("story", "down"), Has.Count.EqualTo(1), "down notifications");
        Assert.That(server.Received("story", "up"), Has.Count.EqualTo(1), "up notifications");

        var incidents = await SentinelSystem.Gateway.GetFromJsonAsync<JsonElement>($"incidents?monitorId={monitorId}");
        var incident = incidents.GetProperty("items").EnumerateArray().Single();
        Assert.That(incident.GetProperty("id").GetGuid(), Is.EqualTo(incidentId));
        Assert.That(incident.GetProperty("status").GetString(), Is.EqualTo("resolved"));
        Assert.That(incident.GetProperty("openedAt").GetDateTimeOffset(), Is.GreaterThan(firstFailureAt));
        Assert.That(incident.GetProperty("resolvedAt").GetDateTimeOffset(),
            Is.GreaterThan(incident.GetProperty("openedAt").GetDateTimeOffset()));
    }

    [Test]
    public async Task A_down_notification_still_arrives_once_when_alert_evaluation_was_stopped_during_the_outage()
    {
        var (monitorId, _) = await CreateMonitorWithWebhookAsync("fault");
        await WaitForStatusAsync(monitorId, "up");

        var alertEvaluation = SentinelSystem.Service("AlertEvaluation");
        await alertEvaluation.StopAsync();
        try
        {
            var hitsBefore = server.Hits("fault");
            server.Fail("fault");
            // Three failing checks happen while nobody evaluates them; their results wait in RabbitMQ.
            await Poll.UntilAsync(() => Task.FromResult(server.Hits("fault")), h => h >= hitsBefore + 3,
                TimeSpan.FromSeconds(40), "three failing checks");
            Assert.That(server.Received("fault", "down"), Is.Empty, "no one evaluated the failures yet");
        }
        finally
        {
            await alertEvaluation.StartAsync();
        }

        await WaitForNotificationAsync("fault", "down");
        await Task.Delay(Interval * 2);
        Assert.That(server.Received("fault", "down"), Has.Count.EqualTo(1), "down notifications");
        await WaitForStatusAsync(monitorId, "down");
        server.Recover("fault");
        await WaitForNotificationAsync("fault", "up");
    }

    async Task<(Guid MonitorId, Guid ChannelId)> CreateMonitorWithWebhookAsync(string name)
    {
        var channel = await PostAsync("channels", new
        {
            name = $"{name} hook",
            type = "webhook",
            settings = new { url = server.WebhookUrl(name) },
        });
        var channelId = channel.GetProperty("id").GetGuid();
        var monitor = await PostAsync("monitors", new
        {
            name = $"{name} api",
            type = "http",
            url = server.TargetUrl(name),
            intervalSeconds = (int)Interval.TotalSeconds,
            timeoutSeconds = 2,
            failureThreshold = 2,
            channelIds = new[] { channelId },
        });
        return (monitor.GetProperty("id").GetGuid(), channelId);
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
            TimeSpan.FromSeconds(60),
            $"monitor {monitorId} to be {status}");

    Task<JsonElement> WaitForNotificationAsync(string name, string @event) =>
        Poll.UntilAsync(
            () => Task.FromResult(server.Received(name, @event)),
            r => r.Count > 0,
            TimeSpan.FromSeconds(60),
            $"a '{@event}' notification on webhook {name}").ContinueWith(t => t.Result[0], TaskScheduler.Default);
}
