using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sentinel.Contracts;
using static Sentinel.AlertEvaluation.Tests.Alerting;

namespace Sentinel.AlertEvaluation.Tests.Escalation;

public sealed class EscalationFlowTests
{
    static async Task<(Guid Monitor, Guid Tenant, Guid Primary, Guid Senior, Guid Manager)> ArrangeAsync()
    {
        var (monitor, tenant, policy) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var (primary, senior, manager) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await PublishAndWaitAsync(new EscalationPolicyUpserted(policy, tenant, 1, "payments",
            [new EscalationLevelSpec(3, null, [senior]), new EscalationLevelSpec(null, 10, [manager])], DateTimeOffset.UtcNow),
            "escalation_policies", "policy_id", policy);
        await PublishMonitorAsync(Monitor(monitor, tenant, [primary], policy: policy));
        return (monitor, tenant, primary, senior, manager);
    }

    [Test]
    public async Task Levels_fire_by_failure_count_and_by_minutes_on_the_clock_and_recovery_tells_every_notified_channel()
    {
        var (monitor, tenant, primary, senior, manager) = await ArrangeAsync();

        await FailAsync(monitor, tenant, 2);
        var down = await SentAsync(monitor, l => l.Count >= 1, "the down alert");
        Assert.That(down.Single().ChannelId, Is.EqualTo(primary));

        await FailAsync(monitor, tenant);
        var level1 = await SentAsync(monitor, l => l.Any(n => n.ChannelId == senior), "level 1 after three failures");
        Assert.That(level1.Single(n => n.ChannelId == senior).EscalationLevel, Is.EqualTo(1));
        Assert.That(level1.Single(n => n.ChannelId == senior).Event, Is.EqualTo(NotificationEvents.Escalation));

        await AdvanceClockAsync(TimeSpan.FromMinutes(9));
        Assert.That(SentFor(monitor).Any(n => n.ChannelId == manager), Is.False, "nine minutes are not ten");
        await AdvanceClockAsync(TimeSpan.FromMinutes(1));
        var level2 = await SentAsync(monitor, l => l.Any(n => n.ChannelId == manager), "level 2 after ten minutes unacknowledged");
        Assert.That(level2.Single(n => n.ChannelId == manager).EscalationLevel, Is.EqualTo(2));

        await FailAsync(monitor, tenant, 2);
        await AdvanceClockAsync(TimeSpan.FromMinutes(30));
        await SucceedAsync(monitor, tenant);
        var all = await SentAsync(monitor, l => l.Count(n => n.Event == NotificationEvents.Up) >= 3, "recovery to every notified channel");
        Assert.That(all.Where(n => n.Event == NotificationEvents.Up).Select(n => n.ChannelId), Is.EquivalentTo(new[] { primary, senior, manager }));
        Assert.That(all.Count(n => n.Event == NotificationEvents.Escalation), Is.EqualTo(2), "each level exactly once");
        Assert.That(all.Select(n => n.NotificationId).Distinct().Count(), Is.EqualTo(all.Count));
        var escalated = await Sentinel.Testing.Poll.UntilAsync(
            () => Task.FromResult(AlertEvaluationHost.Escalations.Where(x => x.MonitorId == monitor).ToList()), l => l.Count >= 2, Wait,
            "IncidentEscalated for both levels through the outbox");
        Assert.That(escalated.Select(x => (x.IncidentId, x.Level, x.ChannelIds.Single())),
            Is.EqualTo(new[] { (all[0].IncidentId, 1, senior), (all[0].IncidentId, 2, manager) }));

        var incident = await IncidentAsync(tenant, all[0].IncidentId);
        Assert.That(incident.GetProperty("status").GetString(), Is.EqualTo("resolved"));
        Assert.That(incident.GetProperty("durationSeconds").GetInt64(), Is.GreaterThanOrEqualTo(40 * 60));
        var kinds = incident.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.That(kinds.First(), Is.EqualTo("opened"));
        var events = incident.GetProperty("timeline").EnumerateArray()
            .Select(e => e.GetProperty("event").ValueKind == JsonValueKind.String ? e.GetProperty("event").GetString() : null).ToList();
        Assert.That(kinds.Skip(kinds.IndexOf("resolved") + 1).ToList(), Is.EqualTo(new[] { "notified", "notified", "notified" }),
            "resolved, then the recovery notifications");
        Assert.That(events.Skip(kinds.IndexOf("resolved") + 1), Is.All.EqualTo("up"));
        Assert.That(incident.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("escalationLevel").ValueKind == JsonValueKind.Number), Is.EqualTo(2));
    }

    [Test]
    public async Task Acknowledging_between_levels_stops_the_next_level_and_the_timeline_names_who()
    {
        var (monitor, tenant, _, senior, manager) = await ArrangeAsync();
        await FailAsync(monitor, tenant, 3);
        var sent = await SentAsync(monitor, l => l.Any(n => n.ChannelId == senior), "level 1");
        var incidentId = sent[0].IncidentId;

        using var client = AlertEvaluationHost.Factory.CreateClient();
        var key = Guid.NewGuid();
        var ack = await client.PostAsJsonAsync($"/internal/tenants/{tenant}/incidents/{incidentId}/acknowledge",
            new { apiKeyId = key, acknowledgedBy = "night shift" });
        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ack.Content.ReadAsStringAsync());
        var again = await client.PostAsJsonAsync($"/internal/tenants/{tenant}/incidents/{incidentId}/acknowledge", new { acknowledgedBy = "someone else" });
        Assert.That((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acknowledgedBy").GetString(), Is.EqualTo("night shift"),
            "acknowledging again keeps the first acknowledgement");

        await AdvanceClockAsync(TimeSpan.FromMinutes(15));
        await FailAsync(monitor, tenant);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.That(SentFor(monitor).Any(n => n.ChannelId == manager), Is.False, "acknowledged: level 2 never fires");

        var incident = await IncidentAsync(tenant, incidentId);
        Assert.That(incident.GetProperty("status").GetString(), Is.EqualTo("acknowledged"));
        Assert.That(incident.GetProperty("acknowledgedByKeyId").GetGuid(), Is.EqualTo(key));
        var entry = incident.GetProperty("timeline").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "acknowledged");
        Assert.That(entry.GetProperty("detail").GetString(), Does.Contain("night shift"));

        var unknown = await client.PostAsJsonAsync($"/internal/tenants/{Guid.NewGuid()}/incidents/{incidentId}/acknowledge", new { });
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another tenant's incident");
        await SucceedAsync(monitor, tenant);
        await Poll(tenant, incidentId);
        var late = await client.PostAsJsonAsync($"/internal/tenants/{tenant}/incidents/{incidentId}/acknowledge", new { });
        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "a resolved incident cannot be acknowledged");
    }

    static Task Poll(Guid tenant, Guid incident) =>
        Sentinel.Testing.Poll.UntilAsync(() => IncidentAsync(tenant, incident), i => i.GetProperty("status").GetString() == "resolved", Wait, "resolution");

    [Test]
    public async Task Reminders_follow_resendEverySeconds_on_the_clock_while_down()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await PublishMonitorAsync(Monitor(monitor, tenant, [channel], resendEverySeconds: 300));
        await FailAsync(monitor, tenant);
        await SentAsync(monitor, l => l.Count == 1, "the down alert");

        await AdvanceClockAsync(TimeSpan.FromSeconds(290));
        Assert.That(SentFor(monitor).Count(n => n.Event == NotificationEvents.Reminder), Is.Zero);
        await AdvanceClockAsync(TimeSpan.FromSeconds(11));
        await SentAsync(monitor, l => l.Count(n => n.Event == NotificationEvents.Reminder) == 1, "the first reminder");
        await AdvanceClockAsync(TimeSpan.FromSeconds(301));
        var sent = await SentAsync(monitor, l => l.Count(n => n.Event == NotificationEvents.Reminder) == 2, "the second reminder");
        Assert.That(sent.Where(n => n.Event == NotificationEvents.Reminder).Select(n => n.NotificationId).Distinct().Count(), Is.EqualTo(2));

        await SucceedAsync(monitor, tenant);
        await SentAsync(monitor, l => l.Any(n => n.Event == NotificationEvents.Up), "recovery");
        await AdvanceClockAsync(TimeSpan.FromSeconds(600));
        Assert.That(SentFor(monitor).Count(n => n.Event == NotificationEvents.Reminder), Is.EqualTo(2), "no reminders once up");
    }
}
