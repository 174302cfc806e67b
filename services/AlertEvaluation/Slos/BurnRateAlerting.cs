using System.Globalization;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Slos;

public sealed record FiringRule(SloBurnRule Rule, double LongBurnRate, double ShortBurnRate);

/// The multi-window, multi-burn-rate rule of the Google SRE workbook: a rule fires while the burn rate exceeds its
/// threshold over the long window AND the short one. The long window makes it significant (2 % of a 30-day budget in
/// an hour), the short one makes it stop soon after the burning stops. A window without checks burns nothing.
public static class BurnRateAlerting
{
    public static IReadOnlyList<int> Windows(IReadOnlyList<SloBurnRule> rules) =>
        rules.SelectMany(r => new[] { r.LongWindowSeconds, r.ShortWindowSeconds }).Distinct().Order().ToList();

    public static IReadOnlyList<FiringRule> Firing(IReadOnlyList<SloBurnRule> rules, IReadOnlyDictionary<int, double?> burnRates)
    {
        var firing = new List<FiringRule>();
        foreach (var rule in rules)
            if (burnRates.GetValueOrDefault(rule.LongWindowSeconds) is { } longRate && longRate > rule.Threshold
                && burnRates.GetValueOrDefault(rule.ShortWindowSeconds) is { } shortRate && shortRate > rule.Threshold)
                firing.Add(new FiringRule(rule, longRate, shortRate));
        return firing;
    }

    /// "burn rate 20.0× over 1h and 60.0× over 5m (threshold 14.4×)", one clause per firing rule.
    public static string Describe(IReadOnlyList<FiringRule> firing) => string.Join("; ", firing.Select(f => string.Create(
        CultureInfo.InvariantCulture,
        $"burn rate {f.LongBurnRate:0.0}× over {Label(f.Rule.LongWindowSeconds)} and {f.ShortBurnRate:0.0}× over {Label(f.Rule.ShortWindowSeconds)} (threshold {f.Rule.Threshold:0.##}×)")));

    public static string Label(int seconds) => seconds switch
    {
        _ when seconds % 86400 == 0 => $"{seconds / 86400}d",
        _ when seconds % 3600 == 0 => $"{seconds / 3600}h",
        _ when seconds % 60 == 0 => $"{seconds / 60}m",
        _ => $"{seconds}s",
    };
}
