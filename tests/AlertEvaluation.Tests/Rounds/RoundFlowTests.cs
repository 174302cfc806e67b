using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.AlertEvaluation.Tests.Alerting;

namespace Sentinel.AlertEvaluation.Tests.Rounds;

/// Rounds of a multi-location monitor through the real service: results as the Checkers publish them (batches, and
/// again, as a redelivery would), rounds closed by quorum, by the alert clock at their timeout, and two replicas.
public sealed class RoundFlowTests
{
    static readonly string[] Three = ["eu", "us", "ap"];

    static MonitorChecked LocationResult(Guid monitor, Guid tenant, DateTimeOffset due, string location, bool up, bool unknown = false) =>
        new(DeterministicGuid.ForCheck(monitor, due, location), monitor, tenant, up && !unknown, up ? 200 : 503, 5,
            unknown ? "unknown: canaries unreachable" : up ? null : $"HTTP 503 at {location}", due, due.AddMilliseconds(50),
            Location: location, RoundId: DeterministicGuid.ForRound(monitor, due), Unknown: unknown);

    /// One second after the previous due time any test used (as Alerting.Result hands them out).
    static DateTimeOffset Due() => Result(Guid.Empty, Guid.Empty, true).DueAt;

    static Task<long> RoundsAsync(Guid monitor, string outcome) =>
        AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.check_rounds where monitor_id = '{monitor}' and outcome = '{outcome}'");

    static Task<long> WaitRoundsAsync(Guid monitor, string outcome, long count) =>
        Poll.UntilAsync(() => RoundsAsync(monitor, outcome), n => n >= count, Wait, $"{count} '{outcome}' rounds");

    static Task<long> StatusAsync(Guid monitor, string status) =>
        AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.monitor_states where monitor_id = '{monitor}' and status = '{status}'");

    [Test]
    public async Task Two_of_three_down_opens_one_incident_however_often_the_results_arrive_and_a_timed_out_round_is_incomplete()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await PublishMonitorAsync(Monitor(monitor, tenant, [channel]) with { Locations = Three, Quorum = 2 });

        // Round 1: one location down of three — up.
        var first = Due();
        await AlertEvaluationHost.Bus.Publish(new MonitorCheckedBatch(Guid.NewGuid(),
            [LocationResult(monitor, tenant, first, "eu", up: false), LocationResult(monitor, tenant, first, "us", up: true), LocationResult(monitor, tenant, first, "ap", up: true)]));
        await WaitRoundsAsync(monitor, "up", 1);
        Assert.That(await StatusAsync(monitor, "up"), Is.EqualTo(1));

        // Round 2: two down, each result delivered twice, in two messages.
        var second = Due();
        var down = new[] { LocationResult(monitor, tenant, second, "eu", up: false), LocationResult(monitor, tenant, second, "us", up: false) };
        await AlertEvaluationHost.Bus.Publish(new MonitorCheckedBatch(Guid.NewGuid(), down));
        await AlertEvaluationHost.Bus.Publish(new MonitorCheckedBatch(Guid.NewGuid(), [.. down, LocationResult(monitor, tenant, second, "ap", up: true)]));
        await SentAsync(monitor, s => s.Count >= 1, "the down notification");
        await WaitRoundsAsync(monitor, "down", 1);
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.round_results where round_id = '{DeterministicGuid.ForRound(monitor, second)}'"), Is.EqualTo(3));
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.incidents where monitor_id = '{monitor}'"), Is.EqualTo(1));

        // Round 3: all up but ap never reports — the alert clock closes it at its timeout as incomplete; still down.
        var third = Due();
        await AlertEvaluationHost.Bus.Publish(new MonitorCheckedBatch(Guid.NewGuid(),
            [LocationResult(monitor, tenant, third, "eu", up: true), LocationResult(monitor, tenant, third, "us", up: true)]));
        await Poll.UntilAsync(() => AlertEvaluationHost.Database.CountAsync(
                $"select count(*) from alerting.round_results where round_id = '{DeterministicGuid.ForRound(monitor, third)}'"),
            n => n == 2, Wait, "round 3's results");
        Assert.That(await RoundsAsync(monitor, "incomplete"), Is.Zero, "open until its timeout");
        await AdvanceClockAsync(TimeSpan.FromSeconds(30));
        await WaitRoundsAsync(monitor, "incomplete", 1);
        Assert.That(await StatusAsync(monitor, "down"), Is.EqualTo(1), "an incomplete round does not make the monitor up");

        // Round 4: ap unknown, the others up — up (an unknown ap could not have made two downs).
        var fourth = Due();
        await AlertEvaluationHost.Bus.Publish(new MonitorCheckedBatch(Guid.NewGuid(),
            [LocationResult(monitor, tenant, fourth, "eu", up: true), LocationResult(monitor, tenant, fourth, "us", up: true),
             LocationResult(monitor, tenant, fourth, "ap", up: false, unknown: true)]));
        await SentAsync(monitor, s => s.Any(n => n.Event == NotificationEvents.Up), "the recovery");
        Assert.That(SentFor(monitor).Count(n => n.Event == NotificationEvents.Down), Is.EqualTo(1));
        Assert.That(SentFor(monitor).Count(n => n.Event == NotificationEvents.Up), Is.EqualTo(1));
    }

    [Test]
    public async Task An_unknown_result_of_a_monitor_without_locations_changes_nothing()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await PublishMonitorAsync(Monitor(monitor, tenant, [channel]));
        await SucceedAsync(monitor, tenant);
        await Poll.UntilAsync(() => StatusAsync(monitor, "up"), n => n == 1, Wait, "up");

        var unknown = Result(monitor, tenant, up: false, "unknown: canaries unreachable") with { Unknown = true, Location = "eu" };
        await AlertEvaluationHost.Bus.Publish(unknown);
        var marker = Result(monitor, tenant, up: true);
        await AlertEvaluationHost.Bus.Publish(marker);
        await StatesSettledAsync(monitor, marker.DueAt);

        Assert.That(await StatusAsync(monitor, "up"), Is.EqualTo(1));
        Assert.That(SentFor(monitor), Is.Empty);
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.monitor_states where monitor_id = '{monitor}' and consecutive_failures = 0 and last_error is null"), Is.EqualTo(1));
    }

    [Test]
    public async Task Two_replicas_decide_each_round_once()
    {
        await using var replica = AlertEvaluationHost.CreateReplica();
        _ = replica.CreateClient();
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await PublishMonitorAsync(Monitor(monitor, tenant, [channel]) with { Locations = Three, Quorum = 2 });

        // Ten rounds alternating up and down, every result published twice in separate messages: both replicas take some.
        var dues = Enumerable.Range(0, 10).Select(_ => Due()).ToList();
        var messages = new List<MonitorCheckedBatch>();
        for (var i = 0; i < dues.Count; i++)
            foreach (var location in Three)
            {
                var result = LocationResult(monitor, tenant, dues[i], location, up: i % 2 == 0 || location == "ap");
                messages.Add(new MonitorCheckedBatch(Guid.NewGuid(), [result]));
                messages.Add(new MonitorCheckedBatch(Guid.NewGuid(), [result]));
            }
        await Task.WhenAll(messages.Select(m => AlertEvaluationHost.Bus.Publish(m)));

        await Poll.UntilAsync(async () => await RoundsAsync(monitor, "up") + await RoundsAsync(monitor, "down"), n => n == 10, Wait, "ten decided rounds");
        Assert.That(await RoundsAsync(monitor, "down"), Is.EqualTo(5));
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.round_results r join alerting.check_rounds c using (round_id) where c.monitor_id = '{monitor}'"), Is.EqualTo(30));
        await SentAsync(monitor, s => s.Any(n => n.Event == NotificationEvents.Down), "a down notification");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var sent = SentFor(monitor);
        Assert.That(sent.Select(n => n.NotificationId).Distinct().Count(), Is.EqualTo(sent.Count), "no notification sent twice");
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.incidents where monitor_id = '{monitor}' and status = 'open'"), Is.LessThanOrEqualTo(1));
    }
}
