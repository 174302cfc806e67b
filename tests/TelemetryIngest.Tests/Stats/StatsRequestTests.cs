using Sentinel.TelemetryIngest.Stats;

namespace Sentinel.TelemetryIngest.Tests.Stats;

public sealed class StatsRequestTests
{
    [TestCase("1h", 1)]
    [TestCase("24h", 24)]
    [TestCase("7d", 7 * 24)]
    [TestCase("365d", 365 * 24)]
    public void Every_documented_window_is_accepted(string window, int hours) =>
        Assert.That(StatsRequest.Parse(window, null, out _)!.Length, Is.EqualTo(TimeSpan.FromHours(hours)));

    [Test]
    public void The_window_defaults_to_24_hours() =>
        Assert.That(StatsRequest.Parse(null, null, out _)!.Window, Is.EqualTo("24h"));

    [TestCase("2h", null, "window")]
    [TestCase("7D", null, "window")]
    [TestCase("24h", "5m", "series")]
    [TestCase("90d", "1h", "series")]
    public void Unknown_values_are_errors(string window, string? series, string field)
    {
        Assert.That(StatsRequest.Parse(window, series, out var errors), Is.Null);
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { field }));
    }

    [Test]
    public void A_series_sets_the_bucket_length() =>
        Assert.That(StatsRequest.Parse("30d", "1h", out _)!.BucketLength, Is.EqualTo(TimeSpan.FromHours(1)));
}
