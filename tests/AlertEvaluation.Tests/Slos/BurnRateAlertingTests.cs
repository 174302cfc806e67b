using Sentinel.AlertEvaluation.Slos;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.Tests.Slos;

public sealed class BurnRateAlertingTests
{
    static readonly SloBurnRule Fast = new(14.4, 3600, 300);
    static readonly SloBurnRule Slow = new(6, 21600, 1800);

    static Dictionary<int, double?> Rates(double? h1, double? m5, double? h6 = 0, double? m30 = 0) =>
        new() { [3600] = h1, [300] = m5, [21600] = h6, [1800] = m30 };

    [TestCase(20.0, 20.0, true)]
    [TestCase(20.0, 10.0, false)] // the burning has stopped: the short window clears it
    [TestCase(10.0, 20.0, false)] // a blip: not yet significant over the long window
    [TestCase(14.4, 20.0, false)] // the threshold itself does not fire: "exceeds"
    [TestCase(14.41, 14.41, true)]
    public void A_rule_fires_only_when_both_windows_exceed_its_threshold(double longRate, double shortRate, bool fires)
    {
        var firing = BurnRateAlerting.Firing([Fast], Rates(longRate, shortRate));
        Assert.That(firing.Count == 1, Is.EqualTo(fires));
    }

    [Test]
    public void A_window_without_checks_burns_nothing() =>
        Assert.That(BurnRateAlerting.Firing([Fast, Slow], Rates(null, 50, null, 50)), Is.Empty);

    [Test]
    public void Each_firing_rule_is_described_with_both_rates()
    {
        var firing = BurnRateAlerting.Firing([Fast, Slow], Rates(16.666, 200, 6.5, 33.3));
        Assert.That(firing.Select(f => f.Rule), Is.EqualTo(new[] { Fast, Slow }));
        Assert.That(BurnRateAlerting.Describe(firing), Is.EqualTo(
            "burn rate 16.7× over 1h and 200.0× over 5m (threshold 14.4×); burn rate 6.5× over 6h and 33.3× over 30m (threshold 6×)"));
    }

    [Test]
    public void The_windows_asked_for_are_every_rules_long_and_short_window_once() =>
        Assert.That(BurnRateAlerting.Windows([Fast, Slow, new SloBurnRule(3, 21600, 300)]), Is.EqualTo(new[] { 300, 1800, 3600, 21600 }));
}
