using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.Gateway.Tenants;
using Sentinel.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Events;

/// GET /api/v1/events against the real broker: events are published on the Gateway's own bus, as Alert-Evaluation
/// and the Checker would, and read back as a client would.
public sealed class LiveEventStreamTests
{
    HttpClient api = null!;
    IBus bus = null!;

    [SetUp]
    public void Connect()
    {
        api = Client(BootstrapSecret);
        bus = Factory.Services.GetRequiredService<IBus>();
    }

    [TearDown]
    public void Disconnect() => api.Dispose();

    static MonitorStatusChanged Down(Guid monitorId, Guid? tenantId = null) => new(
        monitorId, tenantId ?? BootstrapApiKey.DefaultTenantId, "down", "up", Guid.CreateVersion7(), "HTTP 503", DateTimeOffset.UtcNow);

    [Test]
    public async Task A_published_status_change_reaches_a_connected_client()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        await using var stream = await SseStream.OpenAsync(api, $"/api/v1/events?monitorId={monitor.Id}");

        await bus.Publish(Down(monitor.Id));

        var e = await stream.NextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(e.Type, Is.EqualTo("monitor.status"));
            Assert.That(e.Id, Does.Match("^[0-9a-f]{8}-[0-9]+$"));
            Assert.That(e.Json.GetProperty("monitorId").GetGuid(), Is.EqualTo(monitor.Id));
            Assert.That(e.Json.GetProperty("status").GetString(), Is.EqualTo("down"));
            Assert.That(e.Json.GetProperty("previousStatus").GetString(), Is.EqualTo("up"));
            Assert.That(e.Json.GetProperty("error").GetString(), Is.EqualTo("HTTP 503"));
        });
    }

    [Test]
    public async Task Check_results_single_batched_and_packed_and_incidents_are_streamed_too()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        await using var stream = await SseStream.OpenAsync(api, $"/api/v1/events?monitorId={monitor.Id}");
        var tenant = BootstrapApiKey.DefaultTenantId;
        var now = DateTimeOffset.UtcNow;
        MonitorChecked Result(bool up, double latency) =>
            new(Guid.CreateVersion7(), monitor.Id, tenant, up, up ? 200 : 503, latency, up ? null : "HTTP 503", now, now);
        var incident = Guid.CreateVersion7();

        await bus.Publish(Result(true, 12));
        await bus.Publish(new MonitorCheckedBatch(Guid.NewGuid(), [Result(false, 30), Result(true, 40)]));
        await bus.Publish(MonitorCheckedPacked.Pack(Guid.NewGuid(), [Result(true, 50), Result(false, 60) with { Detail = "HTTP 503 in 60 ms" }]));
        await bus.Publish(new IncidentOpened(incident, monitor.Id, tenant, "api", "HTTP 503", now, now));
        var senior = Guid.NewGuid();
        await bus.Publish(new IncidentEscalated(incident, monitor.Id, tenant, 1, [senior], now.AddMinutes(5)));
        await bus.Publish(new IncidentAcknowledged(incident, monitor.Id, tenant, null, "ops", now));
        await bus.Publish(new IncidentResolved(incident, monitor.Id, tenant, now, now.AddMinutes(1)));

        var seen = new List<SseEvent>();
        for (var i = 0; i < 9; i++)
            seen.Add(await stream.NextAsync());
        Assert.That(seen.Select(e => e.Type), Is.EqualTo(new[]
        {
            "monitor.checked", "monitor.checked", "monitor.checked", "monitor.checked", "monitor.checked", "incident.opened", "incident.escalated", "incident.acknowledged",
            "incident.resolved",
        }));
        Assert.That(seen.Take(5).Select(e => e.Json.GetProperty("latencyMs").GetDouble()), Is.EqualTo(new[] { 12.0, 30.0, 40.0, 50.0, 60.0 }));
        Assert.That(seen[4].Json.GetProperty("detail").GetString(), Is.EqualTo("HTTP 503 in 60 ms"));
        Assert.That(seen[5].Json.GetProperty("incidentId").GetGuid(), Is.EqualTo(incident));
        Assert.That(seen[6].Json.GetProperty("level").GetInt32(), Is.EqualTo(1));
        Assert.That(seen[6].Json.GetProperty("channelIds")[0].GetGuid(), Is.EqualTo(senior));
        Assert.That(seen[7].Json.GetProperty("acknowledgedBy").GetString(), Is.EqualTo("ops"));
    }

    [Test]
    public async Task A_monitor_filter_leaves_out_other_monitors_and_a_type_filter_other_types()
    {
        var wanted = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        var other = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        await using var stream = await SseStream.OpenAsync(api, $"/api/v1/events?monitorId={wanted.Id}&type=monitor.status");
        var now = DateTimeOffset.UtcNow;

        // Published in this order on one channel, so they arrive in this order: the first event seen proves the rest.
        await bus.Publish(Down(other.Id));
        await bus.Publish(new MonitorChecked(Guid.CreateVersion7(), wanted.Id, BootstrapApiKey.DefaultTenantId, true, 200, 5, null, now, now));
        await bus.Publish(Down(wanted.Id));

        var e = await stream.NextAsync();
        Assert.That(e.Type, Is.EqualTo("monitor.status"));
        Assert.That(e.Json.GetProperty("monitorId").GetGuid(), Is.EqualTo(wanted.Id));
    }

    [Test]
    public async Task A_tag_filter_streams_the_monitors_carrying_that_tag()
    {
        var tagged = await Monitors.MonitorEndpointsTests.CreateAsync(api,
            new { name = "edge", type = "http", url = "https://example.com/", tags = new[] { "edge-stream" } });
        var untagged = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        await using var stream = await SseStream.OpenAsync(api, "/api/v1/events?tag=edge-stream");

        await bus.Publish(Down(untagged.Id));
        await bus.Publish(Down(tagged.Id));

        var e = await stream.NextAsync();
        Assert.That(e.Json.GetProperty("monitorId").GetGuid(), Is.EqualTo(tagged.Id));
    }

    [Test]
    public async Task Another_tenants_events_never_reach_the_stream()
    {
        using var other = Client(OtherTenantSecret);
        var mine = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        var theirs = await Monitors.MonitorEndpointsTests.CreateAsync(other);
        await using var stream = await SseStream.OpenAsync(other, "/api/v1/events");

        await bus.Publish(Down(mine.Id));
        await bus.Publish(Down(theirs.Id, OtherTenantId));

        var e = await stream.NextAsync();
        Assert.That(e.Json.GetProperty("monitorId").GetGuid(), Is.EqualTo(theirs.Id));
    }

    [Test]
    public async Task Last_Event_ID_resumes_with_exactly_the_missed_events()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        var url = $"/api/v1/events?monitorId={monitor.Id}";
        string lastId;
        await using (var first = await SseStream.OpenAsync(api, url))
        {
            await bus.Publish(Down(monitor.Id) with { Error = "first" });
            lastId = (await first.NextAsync()).Id!;
        }

        // A second client sees the two events arrive while the first one is away.
        await using (var watcher = await SseStream.OpenAsync(api, url))
        {
            await bus.Publish(Down(monitor.Id) with { Error = "missed 1" });
            await bus.Publish(Down(monitor.Id) with { Error = "missed 2" });
            await watcher.NextAsync(e => e.Json.GetProperty("error").GetString() == "missed 2");
        }

        await using var resumed = await SseStream.OpenAsync(api, url, lastId);
        var replay = new[] { await resumed.NextAsync(TimeSpan.FromSeconds(5)), await resumed.NextAsync(TimeSpan.FromSeconds(5)) };
        Assert.That(replay.Select(e => e.Json.GetProperty("error").GetString()), Is.EqualTo(new[] { "missed 1", "missed 2" }));
        Assert.That(replay.Select(e => e.Id), Is.Ordered.And.Unique);
    }

    [Test]
    public async Task An_unknown_Last_Event_ID_gets_a_reset_and_then_what_is_still_buffered()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        var url = $"/api/v1/events?monitorId={monitor.Id}";
        await using (var watcher = await SseStream.OpenAsync(api, url))
        {
            await bus.Publish(Down(monitor.Id) with { Error = "buffered" });
            await watcher.NextAsync();
        }

        await using var resumed = await SseStream.OpenAsync(api, url, "0badc0de-12");
        var reset = await resumed.NextAsync(TimeSpan.FromSeconds(5));
        var replayed = await resumed.NextAsync(TimeSpan.FromSeconds(5));

        Assert.That(reset.Type, Is.EqualTo("reset"));
        Assert.That(reset.Json.GetProperty("reason").GetString(), Is.EqualTo("unknown-id"));
        Assert.That(replayed.Json.GetProperty("error").GetString(), Is.EqualTo("buffered"));
    }

    [Test]
    public async Task Two_Gateway_replicas_on_one_broker_both_stream_the_same_event()
    {
        await using var second = CreateFactory(Alerting.Url);
        using var secondApi = Client(second, BootstrapSecret);
        await Poll.UntilAsync(() => secondApi.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the second Gateway to be ready");
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        await using var one = await SseStream.OpenAsync(api, $"/api/v1/events?monitorId={monitor.Id}");
        await using var two = await SseStream.OpenAsync(secondApi, $"/api/v1/events?monitorId={monitor.Id}");
        await WaitForLiveQueuesAsync(2);

        await bus.Publish(Down(monitor.Id) with { Error = "both" });

        var a = await one.NextAsync();
        var b = await two.NextAsync();
        Assert.That(a.Json.GetProperty("error").GetString(), Is.EqualTo("both"));
        Assert.That(b.Json.GetProperty("error").GetString(), Is.EqualTo("both"));
    }

    [Test]
    public async Task Each_replica_has_its_own_temporary_queue()
    {
        var queues = await WaitForLiveQueuesAsync(1);
        Assert.That(queues, Has.All.Matches<JsonElement>(q =>
            (q.GetProperty("exclusive").GetBoolean() || q.GetProperty("auto_delete").GetBoolean()) && !q.GetProperty("durable").GetBoolean()));
    }

    [Test]
    public async Task Without_a_key_the_stream_is_401_and_an_unknown_monitor_is_404()
    {
        using var anonymous = Client(null);
        Assert.That((await anonymous.GetAsync("/api/v1/events")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await api.GetAsync($"/api/v1/events?monitorId={Guid.CreateVersion7()}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await api.GetAsync("/api/v1/events?type=nonsense")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task In_quorum_queue_mode_the_live_queue_stays_a_temporary_classic_queue_and_streams()
    {
        // A virtual host of its own: quorum mode re-declares the Gateway's durable queues with other arguments.
        await using var vhost = await TestVirtualHost.CreateAsync("gateway_quorum");
        await using var quorum = CreateFactory(Alerting.Url).WithWebHostBuilder(b =>
        {
            b.UseSetting("RabbitMq:VirtualHost", vhost.Name);
            b.UseSetting("RabbitMq:QuorumQueues", "true");
        });
        using var quorumApi = Client(quorum, BootstrapSecret);
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(quorumApi);
        await using var stream = await SseStream.OpenAsync(quorumApi, $"/api/v1/events?monitorId={monitor.Id}");
        var queues = await WaitForLiveQueuesAsync(1, vhost.Name);

        await quorum.Services.GetRequiredService<IBus>().Publish(Down(monitor.Id) with { Error = "quorum" });

        Assert.That(queues.Single().GetProperty("type").GetString(), Is.EqualTo("classic"));
        Assert.That(queues.Single().GetProperty("durable").GetBoolean(), Is.False);
        Assert.That((await stream.NextAsync()).Json.GetProperty("error").GetString(), Is.EqualTo("quorum"));
    }

    /// The live-event queues of this virtual host, once at least `count` exist (the management API lags a little).
    static async Task<List<JsonElement>> WaitForLiveQueuesAsync(int count, string? virtualHost = null)
    {
        using var management = new HttpClient { BaseAddress = TestInfrastructure.RabbitManagement };
        management.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{TestInfrastructure.RabbitUser}:{TestInfrastructure.RabbitPassword}")));
        return await Poll.UntilAsync(async () =>
        {
            var all = await management.GetFromJsonAsync<List<JsonElement>>($"api/queues/{Uri.EscapeDataString(virtualHost ?? VirtualHost.Name)}");
            return all!.Where(q => q.GetProperty("name").GetString()!.StartsWith("gateway-live-events-")).ToList();
        }, q => q.Count >= count, TimeSpan.FromSeconds(30), $"{count} live event queue(s)");
    }
}
