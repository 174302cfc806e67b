using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sentinel.Gateway.Events;

namespace Sentinel.Gateway.Tests.Events;

public sealed class LiveEventBufferTests
{
    static readonly Guid Tenant = Guid.CreateVersion7();
    static readonly Guid Monitor = Guid.CreateVersion7();
    readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    LiveEventBuffer Buffer(int size = 10_000, int seconds = 300) => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Events:BufferSize"] = size.ToString(),
            ["Events:BufferSeconds"] = seconds.ToString(),
        }).Build(), clock, NullLogger<LiveEventBuffer>.Instance);

    static void Add(LiveEventBuffer buffer, string data, Guid? tenant = null, Guid? monitor = null) =>
        buffer.Append(LiveEventTypes.MonitorStatus, tenant ?? Tenant, monitor ?? Monitor, "down", data);

    static LiveSubscription Everything() => new(Tenant, null);

    static List<string> Drain(LiveSubscription s)
    {
        var seen = new List<string>();
        while (s.Reader.TryRead(out var e))
            seen.Add(e.Data);
        return seen;
    }

    [Test]
    public void A_client_without_a_Last_Event_ID_gets_only_what_comes_after_it_connected()
    {
        var buffer = Buffer();
        Add(buffer, "before");
        var s = Everything();

        var replay = buffer.Subscribe(s, null);
        Add(buffer, "after");

        Assert.That(replay.Events, Is.Empty);
        Assert.That(Drain(s), Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public void A_known_id_replays_the_events_after_it_and_nothing_twice()
    {
        var buffer = Buffer();
        var watcher = Everything();
        buffer.Subscribe(watcher, null);
        Add(buffer, "1");
        Add(buffer, "2");
        Add(buffer, "3");
        var firstId = watcher.Reader.TryRead(out var first) ? first.Id : null;

        var replay = buffer.Subscribe(Everything(), firstId);

        Assert.That(replay.Reset, Is.False);
        Assert.That(replay.Events.Select(e => e.Data), Is.EqualTo(new[] { "2", "3" }));
    }

    [Test]
    public void An_id_older_than_the_buffer_resets_and_replays_the_oldest_onwards()
    {
        var buffer = Buffer(size: 2);
        var watcher = Everything();
        buffer.Subscribe(watcher, null);
        Add(buffer, "1");
        Add(buffer, "2");
        Add(buffer, "3");
        Add(buffer, "4");
        var firstId = watcher.Reader.TryRead(out var first) ? first.Id : null;

        var replay = buffer.Subscribe(Everything(), firstId);

        Assert.That(replay.Reset, Is.True);
        Assert.That(replay.Reason, Is.EqualTo("expired"));
        Assert.That(replay.Events.Select(e => e.Data), Is.EqualTo(new[] { "3", "4" }));
    }

    [Test]
    public void Events_older_than_the_age_limit_are_dropped()
    {
        var buffer = Buffer(seconds: 300);
        Add(buffer, "old");
        clock.Advance(TimeSpan.FromMinutes(4));
        Add(buffer, "recent");
        clock.Advance(TimeSpan.FromMinutes(2));

        var replay = buffer.Subscribe(Everything(), $"{buffer.Epoch}-0");

        Assert.That(replay.Events.Select(e => e.Data), Is.EqualTo(new[] { "recent" }));
        Assert.That(replay.Reset, Is.True, "event 1 was evicted, so continuity from id 0 cannot be promised");
    }

    [Test]
    public void An_id_from_another_replica_or_run_resets()
    {
        var buffer = Buffer();
        Add(buffer, "1");

        Assert.That(buffer.Subscribe(Everything(), "ffffffff-1").Reason, Is.EqualTo("unknown-id"));
        Assert.That(buffer.Subscribe(Everything(), "garbage").Reason, Is.EqualTo("unknown-id"));
        Assert.That(buffer.Subscribe(Everything(), $"{buffer.Epoch}-99").Reason, Is.EqualTo("unknown-id"));
    }

    [Test]
    public void Subscriptions_see_only_their_tenant_monitors_and_types()
    {
        var buffer = Buffer();
        var other = Guid.CreateVersion7();
        var byMonitor = new LiveSubscription(Tenant, null) { MonitorIds = new HashSet<Guid> { Monitor } };
        var byType = new LiveSubscription(Tenant, new HashSet<string> { LiveEventTypes.MonitorChecked });
        buffer.Subscribe(byMonitor, null);
        buffer.Subscribe(byType, null);

        Add(buffer, "other tenant", tenant: Guid.CreateVersion7());
        Add(buffer, "other monitor", monitor: other);
        Add(buffer, "mine");
        buffer.Append(LiveEventTypes.MonitorChecked, Tenant, other, null, "checked");

        Assert.That(Drain(byMonitor), Is.EqualTo(new[] { "mine" }));
        Assert.That(Drain(byType), Is.EqualTo(new[] { "checked" }));
    }

    [Test]
    public void A_client_that_falls_too_far_behind_is_disconnected_instead_of_holding_everyone_up()
    {
        var buffer = Buffer(size: LiveEventBuffer.SubscriberQueueLength * 2);
        var slow = Everything();
        buffer.Subscribe(slow, null);

        for (var i = 0; i <= LiveEventBuffer.SubscriberQueueLength; i++)
            Add(buffer, i.ToString());

        Assert.That(Drain(slow), Has.Count.EqualTo(LiveEventBuffer.SubscriberQueueLength));
        Assert.That(slow.Reader.Completion.IsCompleted, Is.True);
    }
}
