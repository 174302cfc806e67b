namespace Sentinel.Checker.Checks;

/// What one check found. Error is short and human-readable ("connection refused"); null when up.
public sealed record CheckOutcome(bool Up, int? StatusCode, double LatencyMs, string? Error)
{
    public static CheckOutcome Down(string error, int? statusCode = null, double latencyMs = 0) =>
        new(false, statusCode, latencyMs, error);
}
