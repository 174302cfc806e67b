using Sentinel.Gateway.Heartbeats;

namespace Sentinel.Gateway.Tests.Heartbeats;

/// Ping ids are version-7 UUIDs laid out as Guid.CreateVersion7's, unique and ordered by their millisecond.
public sealed class PingIdsTests
{
    [Test]
    public void A_ping_id_is_a_version_7_uuid_of_its_millisecond()
    {
        var at = new DateTimeOffset(2026, 12, 7, 12, 34, 56, 789, TimeSpan.Zero);
        var id = PingIds.New(at);
        Assert.Multiple(() =>
        {
            Assert.That(id.Version, Is.EqualTo(7));
            Assert.That(id.Variant, Is.InRange(8, 0xB), "RFC 9562 variant (binary 10xx)");
            // The first 48 bits (12 hex digits) are the Unix milliseconds, as the runtime's own version 7 has them.
            Assert.That(id.ToString("N")[..12], Is.EqualTo(Guid.CreateVersion7(at).ToString("N")[..12]));
        });
    }

    [Test]
    public void Ping_ids_are_unique_and_sort_by_time()
    {
        var start = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 100_000).Select(i => PingIds.New(start.AddMilliseconds(i / 10))).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Count), "no two alike");
            Assert.That(ids.Select(i => i.Version).Distinct(), Is.EqualTo(new[] { 7 }));
            var later = PingIds.New(start.AddMilliseconds(10_000)); // one past the last millisecond above
            Assert.That(ids.All(i => string.CompareOrdinal(i.ToString(), later.ToString()) < 0), "a later millisecond sorts after");
        });
    }
}
