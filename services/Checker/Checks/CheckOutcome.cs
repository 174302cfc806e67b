using Sentinel.Conditions;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks;

/// What one check found. Error is short and human-readable ("connection refused"); null when up. Facts are what
/// conditions may ask about; Detail is a one-line summary for people ("3/3 replies, rtt 0.1/0.2/0.3 ms").
public sealed record CheckOutcome(
    bool Up,
    int? StatusCode,
    double LatencyMs,
    string? Error,
    CheckFacts? Facts = null,
    string? Detail = null,
    IReadOnlyList<ConditionResult>? Conditions = null)
{
    public static CheckOutcome Down(string error, int? statusCode = null, double latencyMs = 0, CheckFacts? facts = null) =>
        new(false, statusCode, latencyMs, error, facts);
}
