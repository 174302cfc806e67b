using Sentinel.AlertEvaluation.Rounds;

namespace Sentinel.AlertEvaluation.Tests.Rounds;

public sealed class QuorumTests
{
    static readonly string[] Three = ["eu", "us", "ap"];
    static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-01-01T00:00:00Z");

    static LocationResult Up(string l) => new(l, true, false, null, At, 12);
    static LocationResult Down(string l) => new(l, false, false, $"HTTP 503 at {l}", At);
    static LocationResult Unknown(string l) => new(l, false, true, "unknown: canaries unreachable", At);

    [Test]
    public void One_location_down_of_three_with_quorum_two_is_up()
    {
        var verdict = Quorum.Decide(Three, 2, [Down("eu"), Up("us"), Up("ap")], timedOut: false);
        Assert.That(verdict.Outcome, Is.EqualTo(RoundOutcomes.Up));
        Assert.That(verdict.Down, Is.EqualTo(new[] { "eu" }));
    }

    [Test]
    public void Two_locations_down_of_three_with_quorum_two_is_down_at_once_without_waiting_for_the_third()
    {
        var verdict = Quorum.Decide(Three, 2, [Down("eu"), Down("us")], timedOut: false);
        Assert.That(verdict.Outcome, Is.EqualTo(RoundOutcomes.Down));
        Assert.That(verdict.Missing, Is.EqualTo(new[] { "ap" }));
        Assert.That(verdict.Error, Does.Contain("2 of 3").And.Contain("HTTP 503 at eu").And.Contain("HTTP 503 at us"));
    }

    [Test]
    public void The_default_quorum_all_needs_every_location_down()
    {
        Assert.That(Quorum.Decide(Three, 3, [Down("eu"), Down("us"), Up("ap")], timedOut: false).Outcome, Is.EqualTo(RoundOutcomes.Up));
        Assert.That(Quorum.Decide(Three, 3, [Down("eu"), Down("us"), Down("ap")], timedOut: false).Outcome, Is.EqualTo(RoundOutcomes.Down));
    }

    [Test]
    public void A_round_waits_for_missing_locations_until_its_timeout_and_then_is_incomplete_never_up()
    {
        var results = new[] { Up("eu"), Up("us") };
        Assert.That(Quorum.Decide(Three, 2, results, timedOut: false).Closed, Is.False);
        var verdict = Quorum.Decide(Three, 2, results, timedOut: true);
        Assert.That(verdict.Outcome, Is.EqualTo(RoundOutcomes.Incomplete));
        Assert.That(verdict.Missing, Is.EqualTo(new[] { "ap" }));
        Assert.That(verdict.Error, Does.Contain("ap"));
    }

    [Test]
    public void A_down_quorum_among_the_reporting_locations_still_counts_when_one_is_missing()
    {
        var verdict = Quorum.Decide(Three, 2, [Down("eu"), Down("us")], timedOut: true);
        Assert.That(verdict.Outcome, Is.EqualTo(RoundOutcomes.Down));
    }

    [Test]
    public void Unknown_results_count_neither_up_nor_down()
    {
        // eu unknown, us down: had eu been down it would be a quorum, had it been up not — undecided.
        Assert.That(Quorum.Decide(Three, 2, [Unknown("eu"), Down("us"), Up("ap")], timedOut: false).Outcome, Is.EqualTo(RoundOutcomes.Unknown));
        // eu unknown, the others up: even a down eu would not make two.
        Assert.That(Quorum.Decide(Three, 2, [Unknown("eu"), Up("us"), Up("ap")], timedOut: false).Outcome, Is.EqualTo(RoundOutcomes.Up));
        // Two unknown results are never two downs.
        Assert.That(Quorum.Decide(Three, 2, [Unknown("eu"), Unknown("us"), Up("ap")], timedOut: false).Outcome, Is.EqualTo(RoundOutcomes.Unknown));
        Assert.That(Quorum.Decide(["eu"], 1, [Unknown("eu")], timedOut: false).Outcome, Is.EqualTo(RoundOutcomes.Unknown));
    }

    [Test]
    public void Results_from_locations_the_round_does_not_list_are_ignored()
    {
        var verdict = Quorum.Decide(["eu", "us"], 1, [Down("elsewhere"), Up("eu"), Up("us")], timedOut: false);
        Assert.That(verdict.Outcome, Is.EqualTo(RoundOutcomes.Up));
    }

    [Test]
    public void A_decided_round_becomes_one_result_named_by_the_round()
    {
        var roundId = Guid.NewGuid();
        var results = new[] { Down("eu"), Down("us"), Up("ap") };
        var verdict = Quorum.Decide(Three, 2, results, timedOut: false);
        var result = Quorum.ToResult(verdict, roundId, Guid.NewGuid(), Guid.NewGuid(), At, results);
        Assert.That(result.CheckId, Is.EqualTo(roundId));
        Assert.That(result.Up, Is.False);
        Assert.That(result.Unknown, Is.False);
        Assert.That(result.DueAt, Is.EqualTo(At));
        Assert.That(result.Error, Does.Contain("eu").And.Contain("us"));

        var upVerdict = Quorum.Decide(Three, 2, [Up("eu"), Up("us"), Up("ap")], timedOut: false);
        var up = Quorum.ToResult(upVerdict, roundId, Guid.NewGuid(), Guid.NewGuid(), At, [Up("eu"), Up("us"), Up("ap")]);
        Assert.That(up.Up, Is.True);
        Assert.That(up.Error, Is.Null);
        Assert.That(up.LatencyMs, Is.EqualTo(12));
    }
}
