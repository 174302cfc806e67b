using Sentinel.Contracts;
using Sentinel.Gateway.Heartbeats;
using Sentinel.Gateway.Monitors;

namespace Sentinel.Gateway.Tests.Heartbeats;

/// Validation and defaults of heartbeat monitors, and how pings are classified (pure).
public sealed class HeartbeatSpecTests
{
    static readonly MonitorRequest Minimal = new(Name: "backup", Type: "heartbeat");

    [Test]
    public void A_heartbeat_needs_no_url_and_gets_Healthchecks_defaults()
    {
        var (spec, errors) = MonitorSpec.Parse(Minimal with { IntervalSeconds = 1 });
        Assert.That(errors, Is.Empty);
        Assert.That(spec!.Url, Is.Null);
        Assert.That(spec.Settings.PeriodSeconds, Is.EqualTo(86_400));
        Assert.That(spec.Settings.GraceSeconds, Is.EqualTo(3_600));
        Assert.That(spec.Settings.ManualResume, Is.False);
        var check = spec.Settings.ToCheckSpec("heartbeat", false);
        Assert.That(check.Heartbeat, Is.EqualTo(new HeartbeatCheckSpec(86_400, null, null, 3_600)));
    }

    [Test]
    public void A_cron_schedule_defaults_to_UTC_and_keeps_its_time_zone()
    {
        var spec = MonitorSpec.Parse(Minimal with { Schedule = "30 2 * * 1-5", TimeZone = "Europe/Berlin", GraceSeconds = 600, ManualResume = true }).Spec!;
        Assert.That(spec.Settings.ToCheckSpec("heartbeat", false).Heartbeat,
            Is.EqualTo(new HeartbeatCheckSpec(null, "30 2 * * 1-5", "Europe/Berlin", 600, true)));
        Assert.That(MonitorSpec.Parse(Minimal with { Schedule = "0 * * * *" }).Spec!.Settings.TimeZone, Is.EqualTo("UTC"));
    }

    static MonitorRequest[] Invalid() =>
    [
        Minimal with { PeriodSeconds = 59 },
        Minimal with { PeriodSeconds = 365 * 86_400 + 1 },
        Minimal with { PeriodSeconds = 3600, Schedule = "0 * * * *" },
        Minimal with { Schedule = "0 * * *" },
        Minimal with { Schedule = "61 * * * *" },
        Minimal with { Schedule = "0 * * * *", TimeZone = "Mars/Olympus" },
        Minimal with { TimeZone = "UTC" },
        Minimal with { GraceSeconds = 30 },
        Minimal with { AllowedMethods = ["PUT"] },
        Minimal with { AllowedMethods = [] },
        Minimal with { Slug = "Has_Caps" },
        Minimal with { Slug = "start" },
        Minimal with { Slug = "123" },
        Minimal with { Slug = new string('a', 101) },
        Minimal with { SuccessKeywords = [" "] },
        Minimal with { Conditions = ["[STATUS] == 200"] },
        Minimal with { Conditions = ["[DURATION] < banana"] },
    ];

    [TestCaseSource(nameof(Invalid))]
    public void Invalid_heartbeat_fields_are_rejected_with_the_field_named(MonitorRequest request)
    {
        var (spec, errors) = MonitorSpec.Parse(request);
        Assert.That(spec, Is.Null);
        Assert.That(errors.Keys, Has.Some.Matches<string>(k =>
            k is "periodSeconds" or "schedule" or "timeZone" or "graceSeconds" or "allowedMethods" or "slug" or "successKeywords"
            || k.StartsWith("conditions", StringComparison.Ordinal)), string.Join("; ", errors.Keys));
    }

    [Test]
    public void A_duration_condition_is_valid_for_heartbeats_and_evaluates_in_milliseconds()
    {
        var spec = MonitorSpec.Parse(Minimal with { Conditions = ["[DURATION] < 10m"] }).Spec!;
        Assert.That(spec.Settings.ToCheckSpec("heartbeat", false).Conditions, Is.EqualTo(new[] { "[DURATION] < 10m" }));
        var condition = Conditions.Condition.Parse("[DURATION] < 10m");
        Assert.That(condition.Evaluate(new Conditions.CheckFacts(DurationMs: 599_000)).Success, Is.True);
        Assert.That(condition.Evaluate(new Conditions.CheckFacts(DurationMs: 600_000)).Success, Is.False);
        Assert.That(condition.Evaluate(new Conditions.CheckFacts()).Actual, Is.EqualTo("(missing)"));
    }

    [TestCase("0", true, 0)]
    [TestCase("1", true, 1)]
    [TestCase("255", true, 255)]
    [TestCase("256", true, null)]
    [TestCase("-1", true, null)]
    [TestCase("007", true, 7)]
    [TestCase("nightly", false, null)]
    [TestCase("start", true, null)]
    public void The_segment_after_a_token_is_an_action_or_else_a_slug(string segment, bool isAction, int? exitStatus)
    {
        Assert.That(PingAction.TryParse(segment, out var action, out var invalid), Is.EqualTo(isAction));
        Assert.That(action.ExitStatus, Is.EqualTo(exitStatus));
        Assert.That(invalid, Is.EqualTo(segment is "256" or "-1"));
    }

    static readonly PingTarget Plain = new(Guid.NewGuid(), Guid.NewGuid(), null, null, null, null);

    [TestCase(0, "success")]
    [TestCase(1, "fail")]
    [TestCase(255, "fail")]
    public void Exit_statuses_classify_as_success_or_fail(int status, string kind) =>
        Assert.That(PingClassifier.Classify(Plain, new PingAction(null, status), "anything"), Is.EqualTo(kind));

    [Test]
    public void Without_keyword_filters_a_plain_ping_is_a_success_whatever_the_body() =>
        Assert.That(PingClassifier.Classify(Plain, PingAction.Plain, "ERROR everywhere"), Is.EqualTo("success"));

    [Test]
    public void Explicit_urls_win_over_keyword_filters()
    {
        var filtered = Plain with { FailureKeywords = ["error"] };
        Assert.That(PingClassifier.Classify(filtered, new PingAction("start", null), "error"), Is.EqualTo("start"));
        Assert.That(PingClassifier.Classify(filtered, PingAction.Plain, "error"), Is.EqualTo("fail"));
        Assert.That(PingClassifier.Classify(filtered, PingAction.Plain, null), Is.EqualTo("log"));
        Assert.That(PingClassifier.Classify(filtered, PingAction.Plain, "ERROR"), Is.EqualTo("log"), "case-sensitive");
    }
}
