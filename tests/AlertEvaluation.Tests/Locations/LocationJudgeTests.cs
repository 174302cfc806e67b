using Sentinel.AlertEvaluation.Locations;

namespace Sentinel.AlertEvaluation.Tests.Locations;

public sealed class LocationJudgeTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T12:00:00Z");
    static readonly TimeSpan Silence = TimeSpan.FromSeconds(30);

    static CheckerReport Report(bool healthy, int secondsAgo, string? reason = null) => new()
    {
        CheckerId = Guid.NewGuid(), Location = "eu-west", Healthy = healthy, Reason = reason, Canaries = 1,
        ReportedAt = Now.AddSeconds(-secondsAgo), ReceivedAt = Now.AddSeconds(-secondsAgo),
    };

    [Test]
    public void One_healthy_checker_makes_the_location_ok_even_when_another_fails_its_canaries() =>
        Assert.That(LocationJudge.Judge([Report(true, 1), Report(false, 1, "canaries unreachable")], Now.AddHours(-1), Now, Silence).Status,
            Is.EqualTo(LocationStatuses.Ok));

    [Test]
    public void Every_recent_checker_failing_its_canaries_makes_the_location_unknown_with_the_reason()
    {
        var (status, reason) = LocationJudge.Judge([Report(false, 2, "canaries unreachable: tcp://x:1"), Report(true, 90)], Now.AddHours(-1), Now, Silence);
        Assert.That(status, Is.EqualTo(LocationStatuses.Unknown));
        Assert.That(reason, Does.Contain("tcp://x:1"));
    }

    [Test]
    public void No_checker_heard_within_the_silence_makes_the_location_offline() =>
        Assert.That(LocationJudge.Judge([Report(true, 31)], Now.AddHours(-1), Now, Silence).Status, Is.EqualTo(LocationStatuses.Offline));

    [Test]
    public void A_location_first_named_moments_ago_is_given_the_silence_to_hear_from_its_checkers()
    {
        Assert.That(LocationJudge.Judge([], Now.AddSeconds(-10), Now, Silence).Status, Is.EqualTo(LocationStatuses.Ok));
        Assert.That(LocationJudge.Judge([], Now.AddSeconds(-31), Now, Silence).Status, Is.EqualTo(LocationStatuses.Offline));
    }
}
