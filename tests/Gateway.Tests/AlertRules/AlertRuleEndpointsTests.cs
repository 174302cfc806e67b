using System.Net;
using Sentinel.Gateway.Tests.Channels;
using static Sentinel.Gateway.Tests.EscalationPolicies.EscalationPolicyEndpointsTests;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.AlertRules;

public sealed class AlertRuleEndpointsTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient() => api = Client(BootstrapSecret);

    [TearDown]
    public void DisposeClient() => api.Dispose();

    [Test]
    public async Task A_rule_over_a_tag_defaults_to_one_alert_per_hour_and_publishes_AlertRuleUpserted()
    {
        var channel = await ChannelEndpointsTests.CreateAsync(api);
        var response = await api.PostAsJsonAsync("/api/v1/alert-rules",
            new { name = "down 3 times", tags = new[] { "prod" }, consecutiveFailures = 3, channelIds = new[] { channel.Id } });

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        var rule = JsonDocument.Parse(text).RootElement;
        Assert.That(rule.GetProperty("maxAlertsPerHour").GetInt32(), Is.EqualTo(1));
        var id = rule.GetProperty("id").GetGuid();
        Assert.That(await Expect.OutboxAsync("AlertRuleUpserted", "ruleId", id, 1), Is.EqualTo(1));

        Assert.That((await api.DeleteAsync($"/api/v1/alert-rules/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Expect.OutboxAsync("AlertRuleDeleted", "ruleId", id, 2), Is.EqualTo(1));
    }

    [Test]
    public async Task Unknown_channels_or_monitors_and_rules_over_nothing_are_rejected_and_nothing_is_stored()
    {
        var channel = await ChannelEndpointsTests.CreateAsync(api);
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/alert-rules",
            new { name = "r", tags = new[] { "prod" }, consecutiveFailures = 3, channelIds = new[] { Guid.NewGuid() } }), "channelIds");
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/alert-rules",
            new { name = "r", monitorIds = new[] { Guid.NewGuid() }, consecutiveFailures = 3, channelIds = new[] { channel.Id } }), "monitorIds");
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/alert-rules",
            new { name = "r", consecutiveFailures = 3, channelIds = new[] { channel.Id } }), "monitorIds");
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/alert-rules",
            new { name = "r", tags = new[] { "prod" }, consecutiveFailures = 0, channelIds = new[] { channel.Id } }), "consecutiveFailures");
    }
}
