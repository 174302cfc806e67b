namespace Sentinel.AlertEvaluation.Tests;

/// The host's clock: real time plus an offset a test can move forward. Timers still run in real time, so the outbox
/// relay and the alert clock keep polling, while "ten minutes later" is one call instead of a sleep.
public sealed class TestClock : TimeProvider
{
    long offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}
