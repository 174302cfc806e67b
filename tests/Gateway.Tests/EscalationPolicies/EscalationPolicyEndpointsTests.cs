using System.Net;
using Sentinel.Gateway.Tests.Channels;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.EscalationPolicies;

public sealed class EscalationPolicyEndpointsTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient() => api = Client(BootstrapSecret);

    [TearDown]
    public void DisposeClient() => api.Dispose();

    /// Rows of the alerting configuration and the outbox: a rejected request must leave all of them as they were.
    public static async Task<long[]> AlertingCountsAsync() =>
    [
        await Db.CountAsync("select count(*) from gateway.escalation_policies"),
        await Db.CountAsync("select count(*) from gateway.alert_rules"),
        await Db.CountAsync("select count(*) from gateway.maintenance_windows"),
        await Db.CountAsync("select count(*) from gateway.outbox"),
    ];

    public static async Task<HttpResponseMessage> RejectedAsync(Func<Task<HttpResponseMessage>> request, params string[] fields)
    {
        var before = await AlertingCountsAsync();
        var response = await request();
        await Expect.ValidationAsync(response, fields);
        Assert.That(await AlertingCountsAsync(), Is.EqualTo(before), "a rejected request stored something");
        return response;
    }

    [Test]
    public async Task Create_stores_ordered_levels_and_publishes_EscalationPolicyUpserted()
    {
        var oncall = await ChannelEndpointsTests.CreateAsync(api, "on call");
        var manager = await ChannelEndpointsTests.CreateAsync(api, "manager");

        var response = await api.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "payments",
            levels = new object[]
            {
                new { afterConsecutiveFailures = 3, channelIds = new[] { oncall.Id } },
                new { afterMinutes = 15, channelIds = new[] { manager.Id } },
            },
        });

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        var policy = JsonDocument.Parse(text).RootElement;
        var id = policy.GetProperty("id").GetGuid();
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/api/v1/escalation-policies/{id}"));
        Assert.That(policy.GetProperty("levels")[0].GetProperty("afterConsecutiveFailures").GetInt32(), Is.EqualTo(3));
        Assert.That(policy.GetProperty("levels")[1].GetProperty("afterMinutes").GetInt32(), Is.EqualTo(15));
        Assert.That(await Expect.OutboxAsync("EscalationPolicyUpserted", "policyId", id, 1), Is.EqualTo(1));
        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.outbox where body->>'policyId' = '{id}' and body->'levels'->1->'channelIds'->>0 = '{manager.Id}'"),
            Is.EqualTo(1));

        var fetched = await api.GetFromJsonAsync<JsonElement>($"/api/v1/escalation-policies/{id}");
        Assert.That(fetched.GetProperty("name").GetString(), Is.EqualTo("payments"));
        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies?limit=500");
        Assert.That(list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()), Does.Contain(id));
    }

    [Test]
    public async Task An_empty_level_is_rejected_and_nothing_is_stored()
    {
        var channel = await ChannelEndpointsTests.CreateAsync(api);
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "empty",
            levels = new object[] { new { afterMinutes = 5, channelIds = new[] { channel.Id } }, new { afterMinutes = 10, channelIds = Array.Empty<Guid>() } },
        }), "levels[1].channelIds");
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/escalation-policies", new { name = "none", levels = Array.Empty<object>() }), "levels");
    }

    [Test]
    public async Task A_level_needs_exactly_one_trigger_and_known_channels()
    {
        var channel = await ChannelEndpointsTests.CreateAsync(api);
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "both",
            levels = new object[] { new { afterMinutes = 5, afterConsecutiveFailures = 2, channelIds = new[] { channel.Id } } },
        }), "levels[0]");
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "unknown channel",
            levels = new object[] { new { afterMinutes = 5, channelIds = new[] { Guid.NewGuid() } } },
        }), "levels[0].channelIds");

        using var other = Client(OtherTenantSecret);
        await RejectedAsync(() => other.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "another tenant's channel",
            levels = new object[] { new { afterMinutes = 5, channelIds = new[] { channel.Id } } },
        }), "levels[0].channelIds");
    }

    [Test]
    public async Task Replace_and_delete_publish_the_next_versions_and_other_tenants_see_nothing()
    {
        var channel = await ChannelEndpointsTests.CreateAsync(api);
        var created = await api.PostAsJsonAsync("/api/v1/escalation-policies",
            new { name = "p", levels = new object[] { new { afterMinutes = 5, channelIds = new[] { channel.Id } } } });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var other = Client(OtherTenantSecret);
        await Expect.ProblemAsync(await other.GetAsync($"/api/v1/escalation-policies/{id}"), HttpStatusCode.NotFound);

        var put = await api.PutAsJsonAsync($"/api/v1/escalation-policies/{id}",
            new { name = "p2", levels = new object[] { new { afterConsecutiveFailures = 2, channelIds = new[] { channel.Id } } } });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        Assert.That(await Expect.OutboxAsync("EscalationPolicyUpserted", "policyId", id, 2), Is.EqualTo(1));

        Assert.That((await api.DeleteAsync($"/api/v1/escalation-policies/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Expect.OutboxAsync("EscalationPolicyDeleted", "policyId", id, 3), Is.EqualTo(1));
        await Expect.ProblemAsync(await api.GetAsync($"/api/v1/escalation-policies/{id}"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_read_only_key_cannot_create_a_policy()
    {
        using var reader = Client(ReadOnlySecret);
        var response = await reader.PostAsJsonAsync("/api/v1/escalation-policies", new { name = "x", levels = Array.Empty<object>() });
        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden);
    }
}
