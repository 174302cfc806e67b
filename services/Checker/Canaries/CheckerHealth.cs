namespace Sentinel.Checker.Canaries;

/// Whether this Checker can trust its own checks, as the canary loop last found. Healthy until a probe round says
/// otherwise; with no canaries configured, always healthy.
public sealed class CheckerHealth
{
    volatile Verdict current = new(true, null);

    public bool Healthy => current.Healthy;
    /// Why the Checker is unknown (null while healthy).
    public string? Reason => current.Reason;

    /// True when the health changed.
    public bool Set(bool healthy, string? reason)
    {
        var previous = current;
        current = new Verdict(healthy, healthy ? null : reason);
        return previous.Healthy != healthy;
    }

    sealed record Verdict(bool Healthy, string? Reason);
}
