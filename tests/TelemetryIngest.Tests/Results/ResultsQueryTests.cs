using Sentinel.TelemetryIngest.Results;

namespace Sentinel.TelemetryIngest.Tests.Results;

public sealed class ResultsQueryTests
{
    [Test]
    public void A_cursor_survives_the_round_trip()
    {
        var cursor = new ResultsCursor(new DateTimeOffset(2025, 5, 6, 7, 8, 9, 123, TimeSpan.Zero), Guid.NewGuid());

        Assert.That(ResultsCursor.TryDecode(cursor.Encode(), out var decoded), Is.True);
        Assert.That(decoded, Is.EqualTo(cursor));
    }

    [TestCase("")]
    [TestCase("!!!")]
    [TestCase("MTIz")] // "123": no separator
    public void Text_that_is_not_a_cursor_is_rejected(string text) =>
        Assert.That(ResultsCursor.TryDecode(text, out _), Is.False);

    [Test]
    public void An_empty_query_takes_fifty_of_everything()
    {
        var query = ResultsQuery.Parse(null, null, null, null, out var errors);

        Assert.That(errors, Is.Empty);
        Assert.That(query, Is.EqualTo(new ResultsQuery(null, null, ResultsQuery.DefaultLimit, null)));
    }

    [Test]
    public void Times_with_an_offset_are_read_as_the_same_instant_in_utc()
    {
        var query = ResultsQuery.Parse("2025-01-01T02:00:00+02:00", null, "500", null, out _);

        Assert.That(query!.From, Is.EqualTo(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(query.From!.Value.Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(query.Limit, Is.EqualTo(500));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("501")]
    [TestCase("1.5")]
    public void A_limit_outside_one_to_five_hundred_is_an_error(string limit)
    {
        var query = ResultsQuery.Parse(null, null, limit, null, out var errors);

        Assert.That(query, Is.Null);
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "limit" }));
    }
}
