using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.AlertEvaluation.Tests.Alerting;

namespace Sentinel.AlertEvaluation.Tests.State;

/// A batch's states are written back in one UPDATE … FROM unnest(…): every column, including the two per-row arrays
/// (change times, fired rules) sliced per row from one flat parameter, lands on its own row.
public sealed class StateWriteTests
{
    [Test]
    public async Task Each_monitor_of_a_batch_keeps_its_own_status_counters_and_change_times()
    {
        var tenant = Guid.NewGuid();
        var (flipping, recovered, failing, steady) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var rule = Guid.NewGuid();
        await PublishAndWaitAsync(new AlertRuleUpserted(rule, tenant, 1, "db down twice", [], ["db"], 2, [Guid.NewGuid()], 1, DateTimeOffset.UtcNow),
            "alert_rules", "rule_id", rule);
        foreach (var monitor in new[] { flipping, recovered, failing, steady })
            await PublishMonitorAsync(Monitor(monitor, tenant, [], tags: monitor == failing ? ["db"] : []));

        // flipping: down, up (a first change; leaving "new" is none) in a first batch, then down again in a second
        // with recovered: down, up (one change, at the second batch's time); failing: down twice (its rule fires);
        // steady: up twice. The second batch writes arrays of different lengths and times in one statement.
        var first = new[] { Result(flipping, tenant, up: false), Result(flipping, tenant, up: true) };
        await AlertEvaluationHost.Bus.Publish(MonitorCheckedPacked.Pack(Guid.NewGuid(), first));
        await StatesSettledAsync(flipping, first[^1].DueAt);
        await AdvanceClockAsync(TimeSpan.FromSeconds(5));
        var results = new[]
        {
            Result(recovered, tenant, up: false), Result(failing, tenant, up: false, "timeout"), Result(steady, tenant, up: true),
            Result(recovered, tenant, up: true), Result(failing, tenant, up: false, "timeout"), Result(steady, tenant, up: true),
            Result(flipping, tenant, up: false, "HTTP 503"),
        };
        await AlertEvaluationHost.Bus.Publish(MonitorCheckedPacked.Pack(Guid.NewGuid(), results));
        foreach (var monitor in new[] { flipping, recovered, failing, steady })
            await StatesSettledAsync(monitor, results.Where(r => r.MonitorId == monitor).Max(r => r.DueAt));

        Task<long> Count(string where) => AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.monitor_states where {where}");
        Assert.Multiple(async () =>
        {
            Assert.That(await Count($"""
                monitor_id = '{flipping}' and status = 'down' and consecutive_failures = 1 and consecutive_successes = 0
                and last_error = 'HTTP 503' and open_incident_id is not null and first_failure_at is not null
                and cardinality(fired_rule_ids) = 0
                and cardinality(change_times) = 2 and change_times[1] < change_times[2] and change_times[2] = status_changed_at
                """), Is.EqualTo(1), "the flipping monitor: down again, two changes, the last one its status time");
            Assert.That(await Count($"""
                monitor_id = '{recovered}' and status = 'up' and consecutive_successes = 1 and consecutive_failures = 0
                and open_incident_id is null and cardinality(change_times) = 1 and change_times[1] = status_changed_at
                """), Is.EqualTo(1), "the recovered monitor: up, one change (its own, not the flipping monitor's)");
            Assert.That(await Count($"""
                monitor_id = '{failing}' and status = 'down' and consecutive_failures = 2 and last_error = 'timeout'
                and open_incident_id is not null and cardinality(change_times) = 0 and fired_rule_ids = array['{rule}']::uuid[]
                """), Is.EqualTo(1), "the failing monitor: two failures, no change after leaving new, its rule fired");
            Assert.That(await Count($"""
                monitor_id = '{steady}' and status = 'up' and consecutive_successes = 2 and consecutive_failures = 0
                and last_error is null and open_incident_id is null and cardinality(change_times) = 0
                and cardinality(fired_rule_ids) = 0
                """), Is.EqualTo(1), "the steady monitor: up, two successes, no change after leaving new");
            Assert.That(await Count($"monitor_id in ('{flipping}', '{recovered}', '{failing}', '{steady}') and last_check_id is not null and last_due_at is not null"),
                Is.EqualTo(4), "every row has its last result");
        });
    }
}
