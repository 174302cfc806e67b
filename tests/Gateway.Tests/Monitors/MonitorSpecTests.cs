using Sentinel.Gateway.Monitors;

namespace Sentinel.Gateway.Tests.Monitors;

public sealed class MonitorSpecTests
{
    static readonly MonitorRequest Minimal = new(Name: "api", Type: "http", Url: "https://example.com");

    [Test]
    public void A_minimal_http_monitor_gets_every_default()
    {
        var (spec, errors) = MonitorSpec.Parse(Minimal);

        Assert.That(errors, Is.Empty);
        Assert.That(spec, Is.EqualTo(spec! with
        {
            Method = "GET", ExpectedStatus = spec.ExpectedStatus, FollowRedirects = true, IgnoreTls = false,
            IntervalSeconds = 60, TimeoutSeconds = 10, FailureThreshold = 1, RecoveryThreshold = 1, AlertOnRecovery = true,
            ResendEverySeconds = 0,
        }));
        Assert.That(spec.ExpectedStatus, Is.EqualTo(new[] { "200-299" }));
    }

    [TestCase(5, 5)]
    [TestCase(8, 8)]
    [TestCase(10, 10)]
    [TestCase(300, 10)]
    public void The_default_timeout_is_the_smaller_of_ten_seconds_and_the_interval(int interval, int timeout) =>
        Assert.That(MonitorSpec.Parse(Minimal with { IntervalSeconds = interval }).Spec!.TimeoutSeconds, Is.EqualTo(timeout));

    [TestCase("200", true)]
    [TestCase("100-599", true)]
    [TestCase("204-204", true)]
    [TestCase("99", false)]
    [TestCase("600", false)]
    [TestCase("300-200", false)]
    [TestCase("2xx", true)]
    [TestCase("5XX", true)]
    [TestCase("6xx", false)]
    [TestCase("2x", false)]
    [TestCase("200-", false)]
    [TestCase("-200", false)]
    [TestCase("+200", false)]
    [TestCase("200-300-400", false)]
    public void Expected_status_accepts_codes_ranges_and_classes_between_100_and_599(string entry, bool valid) =>
        Assert.That(MonitorSpec.Parse(Minimal with { ExpectedStatus = [entry] }).Errors.ContainsKey("expectedStatus"), Is.EqualTo(!valid));

    [Test]
    public void Expected_status_is_normalised() =>
        Assert.That(MonitorSpec.Parse(Minimal with { ExpectedStatus = ["0200-0299"] }).Spec!.ExpectedStatus, Is.EqualTo(new[] { "200-299" }));

    [TestCase("prod", true)]
    [TestCase("team:core.api_v2-x", true)]
    [TestCase("Prod", false)]
    [TestCase("with space", false)]
    [TestCase("", false)]
    public void Tags_are_lower_case_tokens(string tag, bool valid) =>
        Assert.That(MonitorSpec.Parse(Minimal with { Tags = [tag] }).Errors.ContainsKey("tags"), Is.EqualTo(!valid));

    [Test]
    public void More_than_twenty_tags_are_rejected() =>
        Assert.That(MonitorSpec.Parse(Minimal with { Tags = Enumerable.Range(0, 21).Select(i => $"t{i}").ToList() }).Errors, Does.ContainKey("tags"));

    [Test]
    public void Every_problem_is_reported_at_once()
    {
        var (spec, errors) = MonitorSpec.Parse(new MonitorRequest(Type: "ping", IntervalSeconds: 1, FailureThreshold: 0));
        Assert.That(spec, Is.Null);
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "name", "type", "intervalSeconds", "failureThreshold" }));
    }

    [Test]
    public void The_method_is_upper_cased() =>
        Assert.That(MonitorSpec.Parse(Minimal with { Method = "head" }).Spec!.Method, Is.EqualTo("HEAD"));

    [Test]
    public void Locations_without_a_quorum_need_all_of_them_to_agree()
    {
        var spec = MonitorSpec.Parse(Minimal with { Locations = ["eu-west", "us-east"] }).Spec!;
        Assert.That(spec.Locations, Is.EqualTo(new[] { "eu-west", "us-east" }));
        Assert.That(spec.Quorum, Is.EqualTo(2));
    }

    [TestCase(1, true)]
    [TestCase(3, true)]
    [TestCase(0, false)]
    [TestCase(4, false)]
    public void The_quorum_is_between_one_and_the_number_of_locations(int quorum, bool valid) =>
        Assert.That(MonitorSpec.Parse(Minimal with { Locations = ["a", "b", "c"], Quorum = quorum }).Errors.ContainsKey("quorum"), Is.EqualTo(!valid));

    [TestCase("eu-west", true)]
    [TestCase("dc2", true)]
    [TestCase("EU", false)]
    [TestCase("eu_west", false)]
    [TestCase("eu-", false)]
    [TestCase("", false)]
    public void Location_names_are_lowercase_letters_digits_and_inner_hyphens(string name, bool valid) =>
        Assert.That(MonitorSpec.Parse(Minimal with { Locations = [name] }).Errors.ContainsKey("locations"), Is.EqualTo(!valid));

    [Test]
    public void Locations_are_unique_at_most_sixteen_and_a_quorum_needs_them()
    {
        Assert.That(MonitorSpec.Parse(Minimal with { Locations = ["a", "a"] }).Errors, Does.ContainKey("locations"));
        Assert.That(MonitorSpec.Parse(Minimal with { Locations = Enumerable.Range(0, 17).Select(i => $"l{i}").ToList() }).Errors, Does.ContainKey("locations"));
        Assert.That(MonitorSpec.Parse(Minimal with { Locations = Enumerable.Range(0, 16).Select(i => $"l{i}").ToList() }).Errors, Is.Empty);
        Assert.That(MonitorSpec.Parse(Minimal with { Quorum = 1 }).Errors, Does.ContainKey("quorum"));
        Assert.That(MonitorSpec.Parse(Minimal with { Locations = [] }).Spec!.Quorum, Is.Null);
    }
}

