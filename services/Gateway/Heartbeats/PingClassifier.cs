using System.Globalization;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Heartbeats;

/// What a ping URL asks for, before the monitor's keyword filters: null Action is the plain success URL.
public sealed record PingAction(string? Action, int? ExitStatus)
{
    public static readonly PingAction Plain = new(null, null);

    /// The segment after the token: start, fail, log or an exit status. Anything else is not an action (in
    /// /ping/{a}/{b} it is then a slug). An integer outside 0-255 is an action with an invalid exit status.
    public static bool TryParse(string segment, out PingAction action, out bool invalidExitStatus)
    {
        invalidExitStatus = false;
        action = Plain;
        switch (segment)
        {
            case HeartbeatPingKinds.Start or HeartbeatPingKinds.Fail or HeartbeatPingKinds.Log:
                action = new PingAction(segment, null);
                return true;
        }
        var digits = segment.StartsWith('-') ? segment[1..] : segment;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
            return false;
        if (digits.Length > 3 || !int.TryParse(segment, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var status)
            || status is < 0 or > 255)
            invalidExitStatus = true;
        else
            action = new PingAction(null, status);
        return true;
    }
}

/// Turns a ping into its kind (Healthchecks.io's rules): explicit URLs say it outright; on the plain URL, when the
/// monitor filters by keywords, the body decides — a failure keyword wins over a success keyword over a start
/// keyword, and a body with none of them is only logged. Keywords match case-sensitively anywhere in the body.
public static class PingClassifier
{
    public static string Classify(PingTarget target, PingAction action, string? body)
    {
        if (action.ExitStatus is { } status)
            return status == 0 ? HeartbeatPingKinds.Success : HeartbeatPingKinds.Fail;
        if (action.Action is { } explicitKind)
            return explicitKind;
        if (!target.FiltersKeywords)
            return HeartbeatPingKinds.Success;
        if (Matches(target.FailureKeywords, body))
            return HeartbeatPingKinds.Fail;
        if (Matches(target.SuccessKeywords, body))
            return HeartbeatPingKinds.Success;
        if (Matches(target.StartKeywords, body))
            return HeartbeatPingKinds.Start;
        return HeartbeatPingKinds.Log;
    }

    /// Uptime Kuma's push: status=down is a failure, anything else (up, or none) a success.
    public static string ClassifyKuma(string? status) =>
        string.Equals(status, "down", StringComparison.OrdinalIgnoreCase) ? HeartbeatPingKinds.Fail : HeartbeatPingKinds.Success;

    static bool Matches(IReadOnlyList<string>? keywords, string? body) =>
        keywords is not null && !string.IsNullOrEmpty(body) && keywords.Any(k => body.Contains(k, StringComparison.Ordinal));
}
