using MessagePack;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks;

/// MonitorCheckedPacked carries the Checker's results to every consumer: what goes in must come out, field by field.
public sealed class PackedResultsTests
{
    static readonly MonitorChecked Full = new(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Up: true, StatusCode: 204, LatencyMs: 12.345678,
        Error: "slow but fine", DueAt: new DateTimeOffset(638_700_000_000_000_123, TimeSpan.FromHours(5.5)),
        CheckedAt: new DateTimeOffset(638_700_000_001_234_567, TimeSpan.FromHours(-7)),
        Conditions: [new ConditionResult("[STATUS] == 204", true, "204"), new ConditionResult("[BODY] == pat(*ok*)", false, "")],
        Detail: "HTTP 204 in 12 ms", Location: "eu-west", RoundId: Guid.NewGuid(), Unknown: true);

    static readonly MonitorChecked Bare = new(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Up: false, StatusCode: null, LatencyMs: 0, Error: null,
        DueAt: new DateTimeOffset(2026, 12, 2, 14, 0, 0, TimeSpan.Zero), CheckedAt: new DateTimeOffset(2026, 12, 2, 14, 0, 0, 1, TimeSpan.Zero));

    [Test]
    public void Every_field_survives_the_round_trip_set_or_null()
    {
        var message = MonitorCheckedPacked.Pack(Guid.NewGuid(), [Full, Bare]);

        var back = message.Unpack();

        Assert.That(message.Count, Is.EqualTo(2));
        Assert.That(back, Has.Count.EqualTo(2));
        // Records compare lists by reference: the list is compared on its own, the rest field by field.
        Assert.That(back[0] with { Conditions = Full.Conditions }, Is.EqualTo(Full));
        Assert.That(back[0].Conditions, Is.EqualTo(Full.Conditions));
        Assert.That(back[1], Is.EqualTo(Bare));
        Assert.That(back[1].Conditions, Is.Null);
        // DateTimeOffset equality ignores the offset: ticks and offsets are checked on their own.
        Assert.That((back[0].DueAt.Ticks, back[0].DueAt.Offset), Is.EqualTo((Full.DueAt.Ticks, Full.DueAt.Offset)));
        Assert.That((back[0].CheckedAt.Ticks, back[0].CheckedAt.Offset), Is.EqualTo((Full.CheckedAt.Ticks, Full.CheckedAt.Offset)));
        Assert.That(back[1].CheckedAt.Ticks, Is.EqualTo(Bare.CheckedAt.Ticks));
    }

    [Test]
    public void An_empty_batch_round_trips()
    {
        Assert.That(MonitorCheckedPacked.Pack(Guid.NewGuid(), []).Unpack(), Is.Empty);
    }

    [Test]
    public void A_body_that_does_not_hold_Count_results_is_refused()
    {
        var packed = MonitorCheckedPacked.Pack(Guid.NewGuid(), [Full, Bare]);

        Assert.Throws<InvalidDataException>(() => (packed with { Count = 3 }).Unpack());
        Assert.Throws<MessagePackSerializationException>(() => (packed with { Results = packed.Results[..^4] }).Unpack());
    }

    [Test]
    public void Packed_results_are_far_smaller_than_their_json()
    {
        var results = Enumerable.Range(0, 500).Select(i => Bare with { CheckId = Guid.NewGuid(), LatencyMs = i }).ToList();

        var packed = PackedResults.Pack(results).Length;
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(results).Length;

        Assert.That(packed, Is.LessThan(json / 2), $"{packed} bytes packed, {json} as JSON");
    }
}
