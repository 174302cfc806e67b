using Sentinel.Checker.Checks;

namespace Sentinel.Checker.Tests.Checks;

public sealed class ExpectedStatusTests
{
    [Test]
    public void No_entries_mean_any_2xx()
    {
        var expected = ExpectedStatus.Parse([], out var error);

        Assert.That(error, Is.Null);
        Assert.That(expected!.ToString(), Is.EqualTo("200-299"));
        Assert.That(expected.Matches(204), Is.True);
        Assert.That(expected.Matches(301), Is.False);
    }

    [TestCase("200", 200, true)]
    [TestCase("200", 201, false)]
    [TestCase("200-299", 299, true)]
    [TestCase("200-299", 300, false)]
    [TestCase("3xx", 302, true)]
    [TestCase(" 401 - 403 ", 402, true)]
    public void A_single_entry_matches_its_codes(string entry, int status, bool matches)
    {
        var expected = ExpectedStatus.Parse([entry], out _);

        Assert.That(expected!.Matches(status), Is.EqualTo(matches));
    }

    [Test]
    public void Several_entries_match_any_of_them_and_print_as_a_list()
    {
        var expected = ExpectedStatus.Parse(["200", "300-399"], out _)!;

        Assert.That(expected.Matches(200) && expected.Matches(302), Is.True);
        Assert.That(expected.Matches(201), Is.False);
        Assert.That(expected.ToString(), Is.EqualTo("200, 300-399"));
    }

    [TestCase("abc")]
    [TestCase("299-200")]
    [TestCase("99")]
    [TestCase("600")]
    [TestCase("2-")]
    public void A_malformed_entry_is_rejected_with_a_reason(string entry)
    {
        var expected = ExpectedStatus.Parse(["200", entry], out var error);

        Assert.That(expected, Is.Null);
        Assert.That(error, Is.EqualTo($"invalid expected status '{entry}'"));
    }
}
