using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.State;
using Sentinel.Conditions;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Heartbeats;

/// Turns pings and missed deadlines into results shaped like a check's, so that thresholds, rules, escalation and
/// incidents treat a heartbeat exactly like any other monitor. Results are timed at the ping's arrival or the
/// deadline (to the microsecond, as PostgreSQL keeps them), so the evaluator's "older than the last one applied"
/// rule orders pings and misses by when they happened: a miss whose deadline precedes a ping already applied is
/// dropped, and a redelivered ping or miss (same id, same time) changes nothing.
public static class HeartbeatResults
{
    public const string LateError = "no ping within period + grace (late)";
    public const string RunTimeoutError = "run did not finish within grace (run-timeout)";
    public const string LateReason = "late";
    public const string RunTimeoutReason = "run-timeout";

    public static DateTimeOffset Microseconds(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);

    /// A start or a log ping is no result; success is up, fail is down. When the ping finished a run, the monitor's
    /// [DURATION] conditions are evaluated on its duration, and a failed one makes the result down.
    public static MonitorChecked? ForPing(HeartbeatPing ping, HeartbeatRun? finished, IReadOnlyList<string> conditions)
    {
        if (ping.Kind is not (HeartbeatPingKinds.Success or HeartbeatPingKinds.Fail))
            return null;
        var at = Microseconds(ping.ReceivedAt);
        var up = ping.Kind == HeartbeatPingKinds.Success;
        var error = up ? null : FailError(ping);
        List<ConditionResult>? outcomes = null;
        if (finished?.DurationMs is { } duration && DurationConditions(conditions) is { Count: > 0 } durationConditions)
        {
            var facts = new CheckFacts(DurationMs: duration);
            outcomes = durationConditions.Select(c => c.Evaluate(facts)).Select(o => new ConditionResult(o.Condition, o.Success, o.Actual)).ToList();
            if (outcomes.FirstOrDefault(o => !o.Success) is { } failed)
            {
                up = false;
                error ??= $"condition {failed.Condition} failed (actual: {failed.Actual})";
                finished.MarkFailed();
            }
        }
        var detail = finished?.DurationMs is { } ms ? $"{ping.Kind} ping, run took {ms:0} ms" : $"{ping.Kind} ping";
        return new MonitorChecked(ping.PingId, ping.MonitorId, ping.TenantId, up, null, finished?.DurationMs ?? 0, error,
            at, at, outcomes, detail);
    }

    public static MonitorChecked ForMiss(HeartbeatDeadlineMissed miss)
    {
        var at = Microseconds(miss.Deadline);
        var error = miss.Reason == RunTimeoutReason ? RunTimeoutError : LateError;
        return new MonitorChecked(MissId(miss), miss.MonitorId, miss.TenantId, false, null, 0, error, at, at, null,
            miss.LastPingAt is { } last ? $"last ping at {last:O}" : "no ping since the run started");
    }

    /// The same miss reported twice (a Scheduler retry, a redelivery) is one result.
    public static Guid MissId(HeartbeatDeadlineMissed miss) =>
        DeterministicGuid.Create("heartbeat-miss", miss.MonitorId, Microseconds(miss.Deadline), miss.Reason);

    /// Manual resume: once a heartbeat is down it stays down, whatever success pings say, until it is resumed
    /// through the API after it went down.
    public static bool HeldDown(MonitorCopy monitor, MonitorState? state) =>
        monitor.ManualResume
        && state is { Status: MonitorStatuses.Down }
        && !(monitor.ResumedAt > state.StatusChangedAt);

    static string FailError(HeartbeatPing ping) =>
        ping.ExitStatus is { } status and not 0 ? $"exit status {status}"
        : !string.IsNullOrWhiteSpace(ping.Message) ? ping.Message
        : "fail ping";

    /// Conditions that ask about the run's duration; the Gateway validated them, so one that does not parse is skipped.
    static List<Condition> DurationConditions(IReadOnlyList<string> conditions) =>
        conditions.Select(text => Condition.TryParse(text, out var c, out _) ? c : null)
            .OfType<Condition>()
            .Where(c => c.Placeholders.Contains(Placeholder.Duration))
            .ToList();
}
