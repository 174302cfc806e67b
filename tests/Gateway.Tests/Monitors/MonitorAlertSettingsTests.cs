using System.Net;
using System.Text.Json;
using Sentinel.Gateway.Monitors;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Monitors;

/// The monitor-level alert settings Alert-Evaluation reads: escalation policy, parent monitor, flapping, reminders and
/// the custom message's placeholders.
public sealed class MonitorAlertSettingsTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient() => api = Client(BootstrapSecret);

    [TearDown]
    public void DisposeClient() => api.Dispose();

    static object Http(string name, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["name"] = name, ["type"] = "http", ["url"] = "https://example.com/health" };
        if (extra is not null)
            foreach (var p in extra.GetType().GetProperties())
                body[p.Name] = p.GetValue(extra);
        return body;
    }

    async Task<Guid> PolicyAsync()
    {
        var channel = await Channels.ChannelEndpointsTests.CreateAsync(api, "pager");
        var response = await api.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "payments",
            levels = new object[] { new { afterConsecutiveFailures = 1, channelIds = new[] { channel.Id } } },
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    [Test]
    public async Task Alert_settings_are_stored_returned_and_carried_in_MonitorUpserted()
    {
        var policy = await PolicyAsync();
        var parent = await MonitorEndpointsTests.CreateAsync(api, Http("database"));

        var child = await MonitorEndpointsTests.CreateAsync(api, Http("api", new
        {
            escalationPolicyId = policy,
            parentMonitorId = parent.Id,
            flapThreshold = 4,
            flapWindowSeconds = 600,
            resendEverySeconds = 300,
            customMessage = "{{monitor.name}} is {{status}}",
        }));

        Assert.That(child.EscalationPolicyId, Is.EqualTo(policy));
        Assert.That(child.ParentMonitorId, Is.EqualTo(parent.Id));
        Assert.That((child.FlapThreshold, child.FlapWindowSeconds), Is.EqualTo((4, 600)));
        var fetched = await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{child.Id}");
        Assert.That(fetched!.ParentMonitorId, Is.EqualTo(parent.Id));
        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.outbox where message_type = 'Sentinel.Contracts.MonitorUpserted' " +
            $"and body->>'monitorId' = '{child.Id}' and body->>'escalationPolicyId' = '{policy}' " +
            $"and body->>'parentMonitorId' = '{parent.Id}' and (body->>'resendEverySeconds')::int = 300 " +
            $"and (body->>'flapThreshold')::int = 4 and (body->>'flapWindowSeconds')::int = 600"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_cycle_of_parents_is_rejected_and_nothing_is_stored()
    {
        var a = await MonitorEndpointsTests.CreateAsync(api, Http("a"));
        var b = await MonitorEndpointsTests.CreateAsync(api, Http("b", new { parentMonitorId = a.Id }));
        var c = await MonitorEndpointsTests.CreateAsync(api, Http("c", new { parentMonitorId = b.Id }));

        var cyclic = await Expect.NothingStoredAsync(() =>
            api.PutAsJsonAsync($"/api/v1/monitors/{a.Id}", Http("a", new { parentMonitorId = c.Id })));
        var problem = await Expect.ValidationAsync(cyclic, "parentMonitorId");
        Assert.That(problem.GetProperty("errors").GetProperty("parentMonitorId")[0].GetString(), Does.Contain("cycle"));

        var itself = await Expect.NothingStoredAsync(() =>
            api.PatchAsync($"/api/v1/monitors/{b.Id}", Expect.Json($$"""{ "parentMonitorId": "{{b.Id}}" }""")));
        await Expect.ValidationAsync(itself, "parentMonitorId");
    }

    [Test]
    public async Task References_to_missing_or_another_tenants_objects_are_rejected()
    {
        using var other = Client(OtherTenantSecret);
        var foreignParent = await MonitorEndpointsTests.CreateAsync(other, Http("theirs"));

        foreach (var (body, field) in new (object, string)[]
        {
            (Http("x", new { parentMonitorId = foreignParent.Id }), "parentMonitorId"),
            (Http("x", new { parentMonitorId = Guid.NewGuid() }), "parentMonitorId"),
            (Http("x", new { escalationPolicyId = Guid.NewGuid() }), "escalationPolicyId"),
            (Http("x", new { flapThreshold = 101 }), "flapThreshold"),
            (Http("x", new { flapWindowSeconds = 30 }), "flapWindowSeconds"),
            (Http("x", new { customMessage = "{{monitor.name}} {{nope}}" }), "customMessage"),
        })
        {
            var response = await Expect.NothingStoredAsync(() => api.PostAsJsonAsync("/api/v1/monitors", body));
            await Expect.ValidationAsync(response, field);
        }
    }

    [Test]
    public async Task Deleting_a_parent_detaches_its_children_and_publishes_their_change()
    {
        var parent = await MonitorEndpointsTests.CreateAsync(api, Http("parent"));
        var child = await MonitorEndpointsTests.CreateAsync(api, Http("child", new { parentMonitorId = parent.Id }));

        var deleted = await api.DeleteAsync($"/api/v1/monitors/{parent.Id}");

        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var after = await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{child.Id}");
        Assert.That(after!.ParentMonitorId, Is.Null);
        Assert.That(await Expect.OutboxAsync("MonitorUpserted", "monitorId", child.Id, 2), Is.EqualTo(1));
    }
}
