using System.Threading.Channels;

namespace Sentinel.Gateway.Events;

/// One event of the live stream, serialized once (Data) for every client that receives it. Status is set on
/// monitor.status events so the public status page stream can pass it on without parsing Data.
public sealed record LiveEvent(
    long Sequence, string Id, string Type, Guid TenantId, Guid MonitorId, string? Status, string Data, DateTimeOffset ReceivedAt);

public static class LiveEventTypes
{
    public const string MonitorStatus = "monitor.status";
    public const string MonitorChecked = "monitor.checked";
    public const string IncidentOpened = "incident.opened";
    public const string IncidentResolved = "incident.resolved";
    public const string IncidentAcknowledged = "incident.acknowledged";
    public const string IncidentEscalated = "incident.escalated";

    public static readonly string[] All = [MonitorStatus, MonitorChecked, IncidentOpened, IncidentResolved, IncidentAcknowledged, IncidentEscalated];
}

/// What a client asked for: its tenant, and optionally some monitors and event types. The monitor set is replaced
/// (not mutated) when a tag filter is re-resolved, so the check below needs no lock.
public sealed class LiveSubscription(Guid tenantId, IReadOnlySet<string>? types)
{
    volatile IReadOnlySet<Guid>? monitorIds;

    public Guid TenantId { get; } = tenantId;
    public IReadOnlySet<Guid>? MonitorIds { get => monitorIds; set => monitorIds = value; }

    internal Channel<LiveEvent> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<LiveEvent>(
        new BoundedChannelOptions(LiveEventBuffer.SubscriberQueueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<LiveEvent> Reader => Channel.Reader;

    public bool Wants(LiveEvent e) =>
        e.TenantId == TenantId
        && (types is null || types.Contains(e.Type))
        && (MonitorIds is not { } ids || ids.Contains(e.MonitorId));
}

/// Where a resumed stream starts. Reset means the client's Last-Event-ID could not be honoured (too old, from another
/// replica or an earlier run of this one): it gets everything still buffered and should refresh its view.
public sealed record Replay(IReadOnlyList<LiveEvent> Events, bool Reset, string? Reason);

/// The last events this replica saw, bounded by count and age, plus the connected clients. Ids are
/// "{epoch}-{sequence}": the epoch is random per process, so an id from another replica or an earlier run is
/// recognised as foreign instead of being mistaken for a position here. Appending and subscribing share one lock,
/// so a client resuming from the buffer can neither miss nor duplicate an event arriving at that moment.
public sealed class LiveEventBuffer(IConfiguration configuration, TimeProvider clock, ILogger<LiveEventBuffer> logger)
{
    /// A client that falls this far behind is disconnected; it reconnects with Last-Event-ID and resumes.
    public const int SubscriberQueueLength = 4096;

    readonly int capacity = Math.Max(1, configuration.GetValue("Events:BufferSize", 10_000));
    readonly TimeSpan maxAge = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Events:BufferSeconds", 300)));
    readonly Queue<LiveEvent> events = new();
    readonly List<LiveSubscription> subscriptions = [];
    readonly Lock gate = new();
    long sequence;

    public string Epoch { get; } = System.Security.Cryptography.RandomNumberGenerator.GetHexString(8, lowercase: true);

    /// The id of the latest event, for a client that wants "everything after now" later (a cached page).
    public string LastId
    {
        get { lock (gate) return $"{Epoch}-{sequence}"; }
    }

    public int Count
    {
        get { lock (gate) return events.Count; }
    }

    public void Append(string type, Guid tenantId, Guid monitorId, string? status, string data)
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            var seq = ++sequence;
            var e = new LiveEvent(seq, $"{Epoch}-{seq}", type, tenantId, monitorId, status, data, now);
            events.Enqueue(e);
            Evict(now);
            for (var i = subscriptions.Count - 1; i >= 0; i--)
            {
                var s = subscriptions[i];
                if (s.Wants(e) && !s.Channel.Writer.TryWrite(e))
                {
                    // Blocking the consumer for one slow client would stall every other client: drop this one.
                    logger.LogInformation("Live event client of tenant {TenantId} fell {Count} events behind; disconnecting it",
                        s.TenantId, SubscriberQueueLength);
                    s.Channel.Writer.TryComplete();
                    subscriptions.RemoveAt(i);
                }
            }
        }
    }

    /// Registers the client and returns what it missed since lastEventId (nothing when it sent none).
    public Replay Subscribe(LiveSubscription subscription, string? lastEventId)
    {
        lock (gate)
        {
            Evict(clock.GetUtcNow());
            subscriptions.Add(subscription);
            if (string.IsNullOrEmpty(lastEventId))
                return new Replay([], false, null);

            var all = events.Where(subscription.Wants).ToList();
            if (!TryParse(lastEventId, out var epoch, out var seq) || epoch != Epoch)
                return new Replay(all, true, "unknown-id");
            var oldest = events.TryPeek(out var first) ? first.Sequence : sequence + 1;
            if (seq > sequence)
                return new Replay(all, true, "unknown-id");
            if (seq < oldest - 1)
                return new Replay(all, true, "expired");
            return new Replay(all.Where(e => e.Sequence > seq).ToList(), false, null);
        }
    }

    public void Unsubscribe(LiveSubscription subscription)
    {
        lock (gate)
            subscriptions.Remove(subscription);
        subscription.Channel.Writer.TryComplete();
    }

    void Evict(DateTimeOffset now)
    {
        while (events.Count > capacity || (events.TryPeek(out var head) && now - head.ReceivedAt > maxAge))
            events.Dequeue();
    }

    static bool TryParse(string id, out string epoch, out long seq)
    {
        var dash = id.LastIndexOf('-');
        epoch = dash > 0 ? id[..dash] : "";
        seq = 0;
        return dash > 0 && long.TryParse(id.AsSpan(dash + 1), out seq) && seq >= 0;
    }
}
