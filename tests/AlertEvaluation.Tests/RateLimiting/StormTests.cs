using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.AlertEvaluation.Tests.Alerting;

namespace Sentinel.AlertEvaluation.Tests.RateLimiting;

public sealed class StormTests
{
    [Test]
    public async Task A_storm_across_monitors_is_capped_per_channel_and_every_suppressed_alert_is_recorded()
    {
        var (tenant, pager) = (Guid.NewGuid(), Guid.NewGuid());
        var monitors = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        foreach (var monitor in monitors)
            await AlertEvaluationHost.Bus.Publish(Monitor(monitor, tenant, [pager]));
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.monitors where tenant_id = '{tenant}'"),
            n => n == 40, Wait, "forty monitor copies");

        foreach (var monitor in monitors)
            await FailAsync(monitor, tenant);

        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.incidents where tenant_id = '{tenant}'"),
            n => n == 40, Wait, "forty incidents");
        var sent = await Poll.UntilAsync(() => Task.FromResult(AlertEvaluationHost.Sent.Count(n => n.ChannelId == pager)),
            n => n >= 30, Wait, "thirty alerts on the pager");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.That(AlertEvaluationHost.Sent.Count(n => n.ChannelId == pager), Is.EqualTo(30), "the default cap: 30 per channel per minute");
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.alert_history where channel_id = '{pager}' and kind = 'suppressed' and detail like 'rate limit%channel:{pager}'"),
            Is.EqualTo(10), "the other ten are in the history with the reason");
    }

    [Test]
    public async Task A_rule_alerts_at_most_once_an_hour_by_default_and_again_after_the_hour()
    {
        var (tenant, rule, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await PublishAndWaitAsync(new AlertRuleUpserted(rule, tenant, 1, "prod down 2 times", [], ["prod"], 2, [channel], 1, DateTimeOffset.UtcNow),
            "alert_rules", "rule_id", rule);
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var monitor in new[] { a, b, c })
            await PublishMonitorAsync(Monitor(monitor, tenant, [], failureThreshold: 10, tags: ["prod"]));

        await FailAsync(a, tenant, 2);
        await SentAsync(a, l => l.Count == 1, "the rule's alert for a");
        await FailAsync(b, tenant, 2);
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync(
                $"select count(*) from alerting.alert_history where monitor_id = '{b}' and kind = 'suppressed' and rule_id = '{rule}'"),
            n => n == 1, Wait, "b's rule alert suppressed");
        Assert.That(SentFor(b), Is.Empty);

        await AdvanceClockAsync(TimeSpan.FromMinutes(61));
        await FailAsync(c, tenant, 2);
        var sent = await SentAsync(c, l => l.Count == 1, "an hour later the rule may alert again");
        Assert.That(sent[0].CustomMessage, Does.Contain("prod down 2 times"));
    }
}
