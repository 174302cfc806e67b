using Sentinel.Conditions;

namespace Sentinel.Checker.Tests.Conditions;

/// The condition language as a table: expression, the facts of one check, the expected outcome.
public sealed class ConditionTests
{
    static readonly CheckFacts Http = new(
        Status: 200,
        ResponseTimeMs: 123.4,
        Body: """{"status":"UP","data":{"items":[{"id":1,"name":"a"},{"id":2,"name":"b"}],"count":2,"ok":true},"version":"1.2.3"}""",
        Headers: new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8", ["X-Id"] = "42" },
        CertificateExpirationMs: TimeSpan.FromDays(30).TotalMilliseconds,
        Connected: true,
        Ip: "127.0.0.1");

    [TestCase("[STATUS] == 200", true)]
    [TestCase("[STATUS] == 200.0", true)]
    [TestCase("[STATUS] != 200", false)]
    [TestCase("[STATUS] < 300", true)]
    [TestCase("[STATUS] >= 300", false)]
    [TestCase("[STATUS] == any(200, 201, 204)", true)]
    [TestCase("[STATUS] == any(500, 502)", false)]
    [TestCase("[STATUS] != any(500, 502)", true)]
    [TestCase("[RESPONSE_TIME] < 500", true)]
    [TestCase("[RESPONSE_TIME] < 100", false)]
    [TestCase("[RESPONSE_TIME] <= 1s", true)]
    [TestCase("[RESPONSE_TIME] > 100ms", true)]
    [TestCase("[BODY].status == UP", true)]
    [TestCase("[BODY].status == \"UP\"", true)]
    [TestCase("[BODY].status == up", false)]
    [TestCase("[BODY].data.count == 2", true)]
    [TestCase("[BODY].data.count > 1", true)]
    [TestCase("[BODY].data.ok == true", true)]
    [TestCase("[BODY].data.items[1].name == b", true)]
    [TestCase("[BODY].data.items[0].id == 1", true)]
    [TestCase("[BODY].data.items[5].id == 1", false)]
    [TestCase("[BODY].missing == x", false)]
    [TestCase("len([BODY].data.items) == 2", true)]
    [TestCase("len([BODY].data.items) > 2", false)]
    [TestCase("len([BODY].version) == 5", true)]
    [TestCase("has([BODY].data.count) == true", true)]
    [TestCase("has([BODY].data.nope) == false", true)]
    [TestCase("[BODY] == pat(*\"status\":\"UP\"*)", true)]
    [TestCase("[BODY] == pat(*DOWN*)", false)]
    [TestCase("[BODY].version == pat(1.?.*)", true)]
    [TestCase("[BODY] == pat(*\"id\":1,*)", true)]
    [TestCase("[BODY] == contains(\"UP\")", true)]
    [TestCase("[BODY] != contains(DOWN)", true)]
    [TestCase("[BODY] contains \"items\"", true)]
    [TestCase("[BODY] contains nothing-like-this", false)]
    [TestCase("[HEADER].content-type == pat(application/json*)", true)]
    [TestCase("[HEADER].X-ID == 42", true)]
    [TestCase("[HEADER].x-missing == 1", false)]
    [TestCase("[CERTIFICATE_EXPIRATION] > 48h", true)]
    [TestCase("[CERTIFICATE_EXPIRATION] > 31d", false)]
    [TestCase("[CERTIFICATE_EXPIRATION] > 720h", false)]
    [TestCase("[CERTIFICATE_EXPIRATION] >= 719h30m", true)]
    [TestCase("[CONNECTED] == true", true)]
    [TestCase("[IP] == 127.0.0.1", true)]
    [TestCase("[IP] == pat(127.*)", true)]
    [TestCase("[DNS_RCODE] == NOERROR", false)]
    [TestCase("[PACKET_LOSS] == 0", false)]
    public void Conditions_evaluate_against_an_http_result(string expression, bool success)
    {
        var outcome = Condition.Parse(expression).Evaluate(Http);

        Assert.That(outcome.Success, Is.EqualTo(success), $"actual: {outcome.Actual}");
        Assert.That(outcome.Condition, Is.EqualTo(expression));
    }

    [TestCase("[DNS_RCODE] == NXDOMAIN", true)]
    [TestCase("[DNS_RCODE] == any(NOERROR, NXDOMAIN)", true)]
    [TestCase("[BODY] == 10.1.2.3", true)]
    [TestCase("[PACKET_LOSS] < 50", true)]
    [TestCase("[PACKET_LOSS] == 33.3", true)]
    [TestCase("[STATUS] == 200", false)]
    public void Conditions_evaluate_against_other_check_types(string expression, bool success)
    {
        var facts = new CheckFacts(DnsRcode: "NXDOMAIN", Body: "10.1.2.3", PacketLossPercent: 33.3);

        Assert.That(Condition.Parse(expression).Evaluate(facts).Success, Is.EqualTo(success));
    }

    [Test]
    public void The_actual_value_is_reported_and_missing_values_say_so()
    {
        Assert.That(Condition.Parse("[STATUS] == 201").Evaluate(Http).Actual, Is.EqualTo("200"));
        Assert.That(Condition.Parse("len([BODY].data.items) == 3").Evaluate(Http).Actual, Is.EqualTo("2"));
        Assert.That(Condition.Parse("[BODY].nope == 1").Evaluate(Http).Actual, Is.EqualTo("(missing)"));
        Assert.That(Condition.Parse("[BODY].data == 1").Evaluate(Http).Actual, Does.StartWith("{\"items\""));
    }

    [Test]
    public void A_json_path_into_a_body_that_is_not_json_resolves_to_nothing() =>
        Assert.That(Condition.Parse("[BODY].status == UP").Evaluate(new CheckFacts(Body: "<html>")).Success, Is.False);

    [Test]
    public void A_bare_value_may_contain_spaces() =>
        Assert.That(Condition.Parse("[BODY] == hello world").Evaluate(new CheckFacts(Body: "hello world")).Success, Is.True);

    [Test]
    public void Placeholders_lists_what_a_condition_needs() =>
        Assert.That(Condition.Parse("len([BODY].x) > [RESPONSE_TIME]").Placeholders,
            Is.EquivalentTo(new[] { Placeholder.Body, Placeholder.ResponseTime }));

    [TestCase("", 0, "empty")]
    [TestCase("   ", 0, "empty")]
    [TestCase("STATUS == 200", 0, "expected a placeholder")]
    [TestCase("[STATUS]", 8, "expected an operator")]
    [TestCase("[STATUS] = 200", 9, "expected an operator")]
    [TestCase("[STATUS] ==", 11, "expected a value after '=='")]
    [TestCase("[STATUS] ~ 200", 9, "expected an operator")]
    [TestCase("[STATUS] === 200", 11, "one operator per condition")]
    [TestCase("[STATUS] =< 200", 9, "expected an operator")]
    [TestCase("[STATUS] >== 200", 11, "one operator per condition")]
    [TestCase("[STATS] == 200", 0, "unknown placeholder [STATS]")]
    [TestCase("[status] == 200", 1, "expected ']'")]
    [TestCase("[STATUS == 200", 7, "expected ']'")]
    [TestCase("[HEADER] == x", 8, "needs a header name")]
    [TestCase("[STATUS].x == 1", 8, "takes no path")]
    [TestCase("[BODY].items[x] == 1", 13, "array index")]
    [TestCase("[BODY]. == 1", 7, "property name")]
    [TestCase("[RESPONSE_TIME] < fast", 18, "not a number or duration")]
    [TestCase("[RESPONSE_TIME] < 5parsecs", 18, "not a number or duration")]
    [TestCase("[BODY] < pat(*x*)", 9, "go with == or !=")]
    [TestCase("[BODY] == pat(*x*", 17, "expected ')'")]
    [TestCase("[BODY] == pat(*x*) extra", 19, "unexpected 'extra'")]
    [TestCase("[BODY] == \"open", 10, "unterminated string")]
    [TestCase("len(200) > 1", 4, "takes a placeholder")]
    [TestCase("len([BODY] > 1", 11, "expected ')'")]
    [TestCase("[BODY] == any(a, , b)", 17, "empty argument")]
    [TestCase("[BODY] == pat()", 14, "empty argument")]
    [TestCase("[BODY] contains pat(x)", 16, "go with == or !=")]
    [TestCase("[BODY] contains [STATUS]", 16, "contains takes a text value")]
    public void Bad_expressions_are_rejected_with_the_offending_position(string expression, int position, string message)
    {
        Assert.That(Condition.TryParse(expression, out var condition, out var error), Is.False);
        Assert.That(condition, Is.Null);
        Assert.That(error!.Message, Does.Contain(message));
        Assert.That(error.Position, Is.EqualTo(position), error.ToString());
    }

    [TestCase("[STATUS] == 200")]
    [TestCase("  [STATUS]==200  ")]
    [TestCase("[BODY].a.b[0].c == x")]
    [TestCase("len([BODY]) < 1000")]
    [TestCase("[CERTIFICATE_EXPIRATION] > 1h30m")]
    [TestCase("[RESPONSE_TIME] < [STATUS]")]
    public void Good_expressions_parse(string expression) =>
        Assert.That(Condition.TryParse(expression, out _, out var error), Is.True, error?.ToString());
}
