using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Heartbeats;

/// What a ping did to the monitor's runs: the run it opened, or the run it closed (also when the ping is a
/// redelivery: the same run again, so the same result is produced again).
public sealed record RunChange(HeartbeatRun? Started, HeartbeatRun? Finished)
{
    public static readonly RunChange None = new(null, null);
}

/// Pairs starts with finishes, as Healthchecks.io does: by `rid` when the start had one, otherwise the latest open
/// start without one; a finish with no open start records no run. Pure: works on the runs the caller loaded
/// (the monitor's open runs, and any run the batch's pings already opened or closed).
public static class RunTracker
{
    public static RunChange Apply(List<HeartbeatRun> runs, HeartbeatPing ping, DateTimeOffset at)
    {
        switch (ping.Kind)
        {
            case HeartbeatPingKinds.Start:
                if (runs.Any(r => r.Id == ping.PingId))
                    return RunChange.None; // redelivered start
                var run = HeartbeatRun.Start(ping.PingId, ping.TenantId, ping.MonitorId, ping.RunId, at);
                runs.Add(run);
                return new RunChange(run, null);

            case HeartbeatPingKinds.Success or HeartbeatPingKinds.Fail:
                if (runs.FirstOrDefault(r => r.FinishPingId == ping.PingId) is { } done)
                    return new RunChange(null, done);
                var open = runs
                    .Where(r => r.IsOpen && r.MonitorId == ping.MonitorId && r.StartedAt <= at
                        && (ping.RunId is { } rid ? !r.Anonymous && r.RunId == rid : r.Anonymous))
                    .MaxBy(r => r.StartedAt);
                if (open is null)
                    return RunChange.None;
                open.Finish(ping.PingId, at, ping.Kind == HeartbeatPingKinds.Success ? RunOutcomes.Success : RunOutcomes.Fail);
                return new RunChange(null, open);

            default:
                return RunChange.None; // log: a message, nothing to pair
        }
    }

    /// The Scheduler's run-timeout: every open run that has been running for at least the grace time by the deadline
    /// is over (a second late of tolerance for clocks and rounding).
    public static List<HeartbeatRun> TimeOut(IEnumerable<HeartbeatRun> runs, DateTimeOffset deadline, int graceSeconds)
    {
        var timedOut = runs.Where(r => r.IsOpen && r.StartedAt.AddSeconds(graceSeconds) <= deadline.AddSeconds(1)).ToList();
        foreach (var run in timedOut)
            run.TimeOut(deadline);
        return timedOut;
    }
}
