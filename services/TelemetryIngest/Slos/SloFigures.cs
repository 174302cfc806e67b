namespace Sentinel.TelemetryIngest.Slos;

/// What the Gateway and Alert-Evaluation ask: the objective, the monitors it covers (the callers resolve a tag to
/// monitor ids; Telemetry knows no tags), and the burn-rate windows wanted (default 1 h and 6 h).
public sealed record SloFiguresRequest(
    IReadOnlyList<Guid>? MonitorIds, double ObjectivePercent, int WindowDays, IReadOnlyList<int>? BurnWindowsSeconds = null);

/// Seconds of the window that may be "spent" on bad checks, and how much is: Spent = window × bad checks / all checks,
/// so a window whose checks are all down has spent window seconds. Remaining may go negative (objective missed).
public sealed record ErrorBudget(
    double TotalSeconds, double SpentSeconds, double RemainingSeconds, double SpentPercent, double RemainingPercent);

/// BurnRate = (bad checks / all checks over the window) / (1 − objective): 1 spends the budget exactly over the SLO
/// window, 14.4 spends 2 % of a 30-day budget in one hour. Null without checks.
public sealed record BurnRateFigure(int WindowSeconds, string Window, long Checks, long BadChecks, double? BurnRate);

/// Attained = good checks / all checks over [From, To), To being now; null without checks.
public sealed record SloFigures(
    DateTimeOffset From, DateTimeOffset To, double ObjectivePercent, int WindowDays, long Checks, long GoodChecks,
    long BadChecks, double? AttainedPercent, ErrorBudget ErrorBudget, IReadOnlyList<BurnRateFigure> BurnRates);

/// The arithmetic of an SLO over counted checks: pure, so the definitions live in one place.
public static class SloMath
{
    public static readonly IReadOnlyList<int> DefaultBurnWindowsSeconds = [3600, 6 * 3600];

    public static double? Attained(long checks, long good) => checks == 0 ? null : 100.0 * good / checks;

    public static ErrorBudget Budget(double windowSeconds, double objectivePercent, long checks, long bad)
    {
        var total = windowSeconds * (1 - objectivePercent / 100);
        var spent = checks == 0 ? 0 : windowSeconds * bad / checks;
        var spentPercent = 100 * spent / total;
        return new ErrorBudget(total, spent, total - spent, spentPercent, 100 - spentPercent);
    }

    public static double? BurnRate(double objectivePercent, long checks, long bad) =>
        checks == 0 ? null : (double)bad / checks / (1 - objectivePercent / 100);

    /// "5m", "1h", "6h", "2d", or seconds when not a whole minute.
    public static string Label(int seconds) => seconds switch
    {
        _ when seconds % 86400 == 0 => $"{seconds / 86400}d",
        _ when seconds % 3600 == 0 => $"{seconds / 3600}h",
        _ when seconds % 60 == 0 => $"{seconds / 60}m",
        _ => $"{seconds}s",
    };

    public static Dictionary<string, string[]> Validate(SloFiguresRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.MonitorIds is null || request.MonitorIds.Count > 10_000)
            errors["monitorIds"] = ["MonitorIds is required (it may be empty) and holds at most 10000 ids."];
        if (!(request.ObjectivePercent > 0 && request.ObjectivePercent < 100))
            errors["objectivePercent"] = ["ObjectivePercent must be greater than 0 and less than 100."];
        if (request.WindowDays is < 1 or > 365)
            errors["windowDays"] = ["WindowDays must be between 1 and 365."];
        if (request.BurnWindowsSeconds is { } windows && (windows.Count > 10 || windows.Any(w => w is < 60 or > 365 * 86400)))
            errors["burnWindowsSeconds"] = ["At most 10 burn windows, each between 60 seconds and 365 days."];
        return errors;
    }
}
