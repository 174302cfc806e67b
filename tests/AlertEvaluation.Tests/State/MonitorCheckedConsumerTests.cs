using System.Net.Http.Json;
using System.Text.Json;
using Sentinel.Contracts;
using Sentinel.Testing;

namespace Sentinel.AlertEvaluation.Tests.State;

public sealed class MonitorCheckedConsumerTests
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    static MonitorUpserted Monitor(Guid id, Guid tenant, Guid channel, long version = 1, int failureThreshold = 2) =>
        new(id, tenant, version, "checkout", "http", 5, 2, false, failureThreshold, 1, [channel], true, null, [], null,
            DateTimeOffset.UtcNow);

    static MonitorChecked Result(Guid monitor, Guid tenant, DateTimeOffset due, bool up) =>
        new(DeterministicGuid.ForCheck(monitor, due), monitor, tenant, up, up ? 200 : 500, 3, up ? null : "HTTP 500",
            due, due.AddMilliseconds(100));

    static DateTimeOffset TruncatedNow()
    {
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }

    static Task<List<SendNotification>> NotificationsFor(Guid monitor, string @event, int atLeast) =>
        Poll.UntilAsync(
            () => Task.FromResult(AlertEvaluationHost.Sent.Where(n => n.MonitorId == monitor && n.Event == @event).ToList()),
            l => l.Count >= atLeast, Wait, $"{atLeast} {@event} notification(s) for {monitor}");

    [Test]
    public async Task Two_failures_open_one_incident_and_send_one_down_notification_even_when_results_are_redelivered()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var bus = AlertEvaluationHost.Bus;
        await bus.Publish(Monitor(monitor, tenant, channel));
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.monitors where monitor_id = '{monitor}'"),
            n => n == 1, Wait, "the monitor copy");
        var t0 = TruncatedNow(); // PostgreSQL keeps microseconds
        var results = new[] { Result(monitor, tenant, t0, true), Result(monitor, tenant, t0.AddSeconds(5), false), Result(monitor, tenant, t0.AddSeconds(10), false) };
        foreach (var r in results)
            await bus.Publish(r);
        foreach (var r in results) // redelivery must change nothing
            await bus.Publish(r);

        var down = await NotificationsFor(monitor, NotificationEvents.Down, 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.That(AlertEvaluationHost.Sent.Count(n => n.MonitorId == monitor), Is.EqualTo(1));
        Assert.That(down[0].ChannelId, Is.EqualTo(channel));
        Assert.That(down[0].FirstFailureAt, Is.EqualTo(results[1].CheckedAt));
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.incidents where monitor_id = '{monitor}'"), Is.EqualTo(1));

        await bus.Publish(Result(monitor, tenant, t0.AddSeconds(15), true));
        var up = await NotificationsFor(monitor, NotificationEvents.Up, 1);
        Assert.That(up[0].IncidentId, Is.EqualTo(down[0].IncidentId));

        var client = AlertEvaluationHost.Factory.CreateClient();
        var incident = await client.GetFromJsonAsync<JsonElement>($"/internal/tenants/{tenant}/incidents/{down[0].IncidentId}");
        Assert.That(incident.GetProperty("status").GetString(), Is.EqualTo("resolved"));
        Assert.That(incident.GetProperty("monitorName").GetString(), Is.EqualTo("checkout"));
        var statuses = await Poll.UntilAsync(
            () => Task.FromResult(AlertEvaluationHost.StatusChanges.Where(s => s.MonitorId == monitor).ToList()),
            l => l.Count >= 3, Wait, "three status changes");
        // ChangedAt orders them (the contract): the outbox relay may hand changes committed close together to RabbitMQ
        // in the same round, and the test's handler takes them concurrently, so arrival order is not theirs.
        Assert.That(statuses.OrderBy(s => s.ChangedAt).Select(s => s.Status), Is.EqualTo(new[] { "up", "down", "up" }));
    }

    [Test]
    public async Task A_result_that_arrives_before_its_monitor_is_known_is_evaluated_once_the_monitor_arrives()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var bus = AlertEvaluationHost.Bus;
        await bus.Publish(Result(monitor, tenant, DateTimeOffset.UtcNow, false));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await bus.Publish(Monitor(monitor, tenant, channel, failureThreshold: 1));

        var down = await NotificationsFor(monitor, NotificationEvents.Down, 1);
        Assert.That(down, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Open_incidents_are_counted_on_the_metrics_endpoint()
    {
        var (monitor, tenant) = (Guid.NewGuid(), Guid.NewGuid());
        var bus = AlertEvaluationHost.Bus;
        await bus.Publish(Monitor(monitor, tenant, Guid.NewGuid(), failureThreshold: 1));
        await bus.Publish(Result(monitor, tenant, DateTimeOffset.UtcNow, false));
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.incidents where monitor_id = '{monitor}'"),
            n => n == 1, Wait, "the incident");
        const string countOpen = "select count(*) from alerting.incidents where status = 'open' and acknowledged_at is null";
        var before = await AlertEvaluationHost.Database.CountAsync(countOpen);

        var metrics = await AlertEvaluationHost.Factory.CreateClient().GetStringAsync("/metrics");
        var after = await AlertEvaluationHost.Database.CountAsync(countOpen);

        // Other tests' monitors may open incidents meanwhile: the scrape lies between the counts around it.
        var line = metrics.Split('\n').Single(l => l.StartsWith("sentinel_incidents_open{acknowledged=\"false\"}"));
        var value = double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(before, Is.GreaterThanOrEqualTo(1));
        Assert.That(value, Is.InRange(before, after));
    }

    [Test]
    public async Task The_incident_list_is_per_tenant_and_pages_with_a_cursor()
    {
        var tenant = Guid.NewGuid();
        var bus = AlertEvaluationHost.Bus;
        var monitors = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        foreach (var m in monitors)
        {
            await bus.Publish(Monitor(m, tenant, Guid.NewGuid(), failureThreshold: 1));
            await bus.Publish(Result(m, tenant, DateTimeOffset.UtcNow, false));
        }
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.incidents where tenant_id = '{tenant}'"),
            n => n == 3, Wait, "three incidents");

        var client = AlertEvaluationHost.Factory.CreateClient();
        var first = await client.GetFromJsonAsync<JsonElement>($"/internal/tenants/{tenant}/incidents?limit=2");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await client.GetFromJsonAsync<JsonElement>($"/internal/tenants/{tenant}/incidents?limit=2&cursor={cursor}");
        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("monitorId").GetGuid()).ToList();

        Assert.That(ids, Is.EquivalentTo(monitors));
        Assert.That(second.GetProperty("nextCursor").ValueKind, Is.EqualTo(JsonValueKind.Null));
        var other = await client.GetFromJsonAsync<JsonElement>($"/internal/tenants/{Guid.NewGuid()}/incidents");
        Assert.That(other.GetProperty("items").GetArrayLength(), Is.Zero);
        var bad = await client.GetAsync($"/internal/tenants/{tenant}/incidents?limit=0");
        Assert.That((int)bad.StatusCode, Is.EqualTo(400));
        Assert.That(bad.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }
}
