using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.AlertEvaluation.Tests.Alerting;

namespace Sentinel.AlertEvaluation.Tests.State;

public sealed class DependencyFlowTests
{
    [Test]
    public async Task While_the_parent_is_down_its_child_is_silenced_and_the_parent_alert_names_the_child()
    {
        var (parent, child, tenant) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var (parentChannel, childChannel) = (Guid.NewGuid(), Guid.NewGuid());
        await PublishMonitorAsync(Monitor(parent, tenant, [parentChannel], name: "core-router"));
        await PublishMonitorAsync(Monitor(child, tenant, [childChannel], failureThreshold: 2, parent: parent, name: "billing"));

        var first = Result(child, tenant, up: false);
        await AlertEvaluationHost.Bus.Publish(first);
        await StatesSettledAsync(child, first.DueAt);
        await FailAsync(parent, tenant);
        var parentAlert = (await SentAsync(parent, l => l.Count == 1, "the parent's alert")).Single();
        Assert.That(parentAlert.AffectedMonitors, Is.EqualTo(new[] { "billing" }), "the one alert for the parent names the failing child");

        await FailAsync(child, tenant);
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.incidents where monitor_id = '{child}' and held_reason = 'parent-down'"),
            n => n == 1, Wait, "the child's incident held back");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.That(SentFor(child), Is.Empty, "no alert for the child while its parent is down");
        var history = await HistoryAsync(tenant, child);
        Assert.That(history.EnumerateArray().Single(h => h.GetProperty("kind").GetString() == "held").GetProperty("detail").GetString(),
            Does.Contain("core-router"), "recorded as suppressed, with the reason");
        var parentIncident = await IncidentAsync(tenant, parentAlert.IncidentId);
        Assert.That(parentIncident.GetProperty("affectedMonitors").EnumerateArray().Select(e => e.GetString()), Does.Contain("billing"));

        // The parent recovers and the child is still down on its own: now that is news.
        await SucceedAsync(parent, tenant);
        await SentAsync(parent, l => l.Any(n => n.Event == NotificationEvents.Up), "the parent's recovery");
        await FailAsync(child, tenant);
        var childAlert = await SentAsync(child, l => l.Count == 1, "the child's alert once its parent is up");
        Assert.That(childAlert[0].ChannelId, Is.EqualTo(childChannel));
    }
}
