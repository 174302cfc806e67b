using MessagePack;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Tests.Heartbeats;

/// HeartbeatsPacked carries every ping the Gateway answers 200 to its three consumers: what goes in must come out,
/// field by field, or a consumer acts on a ping that was not the one received.
public sealed class HeartbeatsPackedTests
{
    static readonly HeartbeatPing Full = new(
        Guid.CreateVersion7(), Guid.NewGuid(), Guid.NewGuid(), HeartbeatPingKinds.Fail,
        new DateTimeOffset(639_012_345_678_901_237, TimeSpan.FromHours(5.5)), "POST", "2001:db8::7", "curl/8.5 (x86_64)",
        "backup failed: disk full\n\u00e9t\u00e9 \u2603", BodyTruncated: true, ExitStatus: 255, RunId: Guid.NewGuid(),
        Message: "exit 255", ReportedLatencyMs: 1234.5678);

    static readonly HeartbeatPing Bare = new(
        Guid.CreateVersion7(), Guid.NewGuid(), Guid.NewGuid(), HeartbeatPingKinds.Success,
        new DateTimeOffset(2026, 12, 7, 16, 0, 0, 1, TimeSpan.Zero), "HEAD", SourceIp: null, UserAgent: null, Body: null,
        BodyTruncated: false);

    [Test]
    public void Every_field_survives_the_round_trip_set_or_null()
    {
        var batchId = Guid.CreateVersion7();
        var message = HeartbeatsPacked.Pack(batchId, [Full, Bare]);

        var back = message.Unpack();

        Assert.That(message.BatchId, Is.EqualTo(batchId));
        Assert.That(message.Count, Is.EqualTo(2));
        Assert.That(back, Is.EqualTo(new[] { Full, Bare }));
        // DateTimeOffset equality ignores the offset and the Scheduler orders by ticks: both are checked on their own.
        Assert.That((back[0].ReceivedAt.Ticks, back[0].ReceivedAt.Offset), Is.EqualTo((Full.ReceivedAt.Ticks, Full.ReceivedAt.Offset)));
        Assert.That(back[1].ReceivedAt.Ticks, Is.EqualTo(Bare.ReceivedAt.Ticks));
        Assert.That(back[1].ExitStatus, Is.Null);
        Assert.That(back[1].RunId, Is.Null);
        Assert.That(back[1].ReportedLatencyMs, Is.Null);
    }

    [Test]
    public void An_empty_batch_round_trips()
    {
        Assert.That(HeartbeatsPacked.Pack(Guid.NewGuid(), []).Unpack(), Is.Empty);
    }

    [Test]
    public void A_body_that_does_not_hold_Count_pings_is_refused()
    {
        var packed = HeartbeatsPacked.Pack(Guid.NewGuid(), [Full, Bare]);

        Assert.Throws<InvalidDataException>(() => (packed with { Count = 3 }).Unpack());
        Assert.Throws<MessagePackSerializationException>(() => (packed with { Pings = packed.Pings[..^4] }).Unpack());
    }

    [Test]
    public void A_packed_batch_is_far_smaller_than_its_json()
    {
        var tenant = Guid.NewGuid();
        var pings = Enumerable.Range(0, 500)
            .Select(i => Bare with { PingId = Guid.CreateVersion7(), MonitorId = Guid.NewGuid(), TenantId = tenant, SourceIp = "10.0.0.7", UserAgent = "curl/8" })
            .ToList();

        var packed = HeartbeatsPacked.Pack(Guid.NewGuid(), pings).Pings.Length;
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(pings).Length;

        Assert.That(packed, Is.LessThan(json / 2), $"{packed} bytes packed, {json} as JSON");
    }
}
