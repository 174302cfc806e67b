namespace Sentinel.Scheduler.Heartbeats;

/// What the Gateway shows for a heartbeat. RunStartedAt is the oldest run in progress (the one that times out first).
public sealed record HeartbeatView(
    string State, DateTimeOffset? LastPingAt, string? LastPingKind, DateTimeOffset? NextDeadlineAt, DateTimeOffset? RunStartedAt)
{
    public static HeartbeatView At(Heartbeat heartbeat, DateTimeOffset now) =>
        new(StateAt(heartbeat, now), heartbeat.LastPingAt, heartbeat.LastPingKind, heartbeat.NextDeadlineAt,
            heartbeat.OpenRuns.Count > 0 ? heartbeat.OpenRuns.Min(r => r.StartedAt) : null);

    /// Grace is not stored: it is up, past the expected time (deadline − grace) and before the deadline. Past the
    /// deadline it already is down, even in the instant before the deadline loop has reported it.
    public static string StateAt(Heartbeat heartbeat, DateTimeOffset now)
    {
        if (heartbeat.NextDeadlineAt is not { } deadline || heartbeat.State is not (HeartbeatStates.Up or HeartbeatStates.Started))
            return heartbeat.State;
        if (HeartbeatDeadlines.IsMissed(deadline, now))
            return HeartbeatStates.Down;
        var expected = deadline - TimeSpan.FromSeconds(Math.Max(0, heartbeat.GraceSeconds));
        return heartbeat.State == HeartbeatStates.Up && now > expected ? HeartbeatStates.Grace : heartbeat.State;
    }
}
