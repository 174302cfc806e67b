namespace Sentinel.Checker.Canaries;

/// Section `Checker`: the canaries this Checker probes to know that its own network works. Each is an http(s) URL
/// (any answer below 500 counts as reachable) or a TCP `host:port` (also `tcp://host:port`). Default: none, so a
/// Checker is never unknown unless canaries are configured.
public sealed class CanaryOptions
{
    public List<string> Canaries { get; set; } = [];
    /// How often every canary is probed.
    public int CanaryIntervalSeconds { get; set; } = 5;
    /// How long one probe may take before it counts as failed.
    public int CanaryTimeoutSeconds { get; set; } = 3;
    /// How often the Checker publishes CheckerStatus (also at once on every change of health).
    public int StatusSeconds { get; set; } = 5;
}
