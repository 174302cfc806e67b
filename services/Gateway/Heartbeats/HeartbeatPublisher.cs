using System.Threading.Channels;
using MassTransit;
using Prometheus;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Heartbeats;

/// Hands pings to RabbitMQ in batches: each request waits in a bounded buffer, a batch of up to
/// `Heartbeats:BatchSize` (500) pings or whatever arrived within `Heartbeats:BatchMilliseconds` (5) is published as
/// one HeartbeatsPacked, up to `Heartbeats:PublishesInFlight` (4) at a time, and a request learns the outcome only
/// after the broker confirmed the batch (publisher confirms, mandatory routing). So "200 OK" always means "in a
/// queue"; a refused, unroutable or timed-out (`Heartbeats:PublishTimeoutSeconds`, 5) publish, or a full buffer
/// (`Heartbeats:BufferCapacity`, 50,000), answers false and the caller says 503. Not the catalog outbox: a
/// database write per ping is exactly what the batching avoids. Stopping flushes what is buffered.
public sealed class HeartbeatPublisher(IBus bus, IConfiguration configuration, TimeProvider clock, ILogger<HeartbeatPublisher> log)
    : BackgroundService
{
    static readonly Counter Received = Metrics.CreateCounter(
        "sentinel_heartbeat_pings_total", "Pings the ping endpoints accepted for publishing, by kind.", "kind");
    /// The labelled children looked up once: WithLabels on every ping is a dictionary lookup and an allocation.
    static readonly Dictionary<string, Counter.Child> ReceivedByKind = new[]
    {
        HeartbeatPingKinds.Success, HeartbeatPingKinds.Start, HeartbeatPingKinds.Fail, HeartbeatPingKinds.Log,
    }.ToDictionary(k => k, k => Received.WithLabels(k));
    static readonly Counter Batches = Metrics.CreateCounter(
        "sentinel_heartbeat_batches_published_total", "HeartbeatsPacked batches the broker confirmed.");
    static readonly Counter Failures = Metrics.CreateCounter(
        "sentinel_heartbeat_publish_failures_total", "HeartbeatsPacked batches the broker refused or did not confirm in time.");
    /// A ping's answer waits for both: first the batch filling and a publish slot, then the broker's confirm.
    static readonly Histogram BatchWait = Metrics.CreateHistogram(
        "sentinel_heartbeat_batch_wait_seconds", "A batch's first ping submitted → its publish started (linger and a free publish slot).",
        new HistogramConfiguration { Buckets = [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 1] });
    static readonly Histogram PublishTime = Metrics.CreateHistogram(
        "sentinel_heartbeat_publish_seconds", "A HeartbeatsPacked batch's publish started → confirmed (or failed) by RabbitMQ.",
        new HistogramConfiguration { Buckets = [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 1, 5] });

    sealed record Pending(HeartbeatPing Ping, TaskCompletionSource<bool> Done, long SubmittedAt);

    readonly int maxBatch = Math.Max(1, configuration.GetValue("Heartbeats:BatchSize", 500));
    readonly TimeSpan linger = TimeSpan.FromMilliseconds(configuration.GetValue("Heartbeats:BatchMilliseconds", 5.0));
    readonly TimeSpan publishTimeout = TimeSpan.FromSeconds(configuration.GetValue("Heartbeats:PublishTimeoutSeconds", 5.0));
    readonly int maxInFlight = Math.Max(1, configuration.GetValue("Heartbeats:PublishesInFlight", 4));
    readonly SemaphoreSlim inFlight = new(Math.Max(1, configuration.GetValue("Heartbeats:PublishesInFlight", 4)));
    readonly Channel<Pending> buffer = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(Math.Max(1, configuration.GetValue("Heartbeats:BufferCapacity", 50_000)))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the caller answers 503 at once
        });

    /// True once the broker confirmed the batch holding this ping; false when it could not be handed over.
    public Task<bool> SubmitAsync(HeartbeatPing ping)
    {
        var pending = new Pending(ping, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously), clock.GetTimestamp());
        if (!buffer.Writer.TryWrite(pending))
            return Task.FromResult(false);
        (ReceivedByKind.GetValueOrDefault(ping.Kind) ?? Received.WithLabels(ping.Kind)).Inc();
        return pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = buffer.Reader;
        // Not stoppingToken: at shutdown the writer is completed and this loop drains what is left, then ends.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var batch = new List<Pending>(maxBatch);
            Drain(reader, batch);
            if (batch.Count < maxBatch && linger > TimeSpan.Zero)
            {
                await Task.Delay(linger, clock, CancellationToken.None);
                Drain(reader, batch);
            }
            if (batch.Count == 0)
                continue;
            await inFlight.WaitAsync(CancellationToken.None);
            _ = PublishAsync(batch);
        }
        for (var i = 0; i < maxInFlight; i++)
            await inFlight.WaitAsync(CancellationToken.None); // every publish in flight has finished
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        buffer.Writer.TryComplete(); // new pings are refused (503) from now on; buffered ones are still published
        await base.StopAsync(cancellationToken);
    }

    void Drain(ChannelReader<Pending> reader, List<Pending> batch)
    {
        while (batch.Count < maxBatch && reader.TryRead(out var pending))
            batch.Add(pending);
    }

    async Task PublishAsync(List<Pending> batch)
    {
        var started = clock.GetTimestamp();
        try
        {
            BatchWait.Observe(clock.GetElapsedTime(batch[0].SubmittedAt, started).TotalSeconds);
            using var timeout = new CancellationTokenSource(publishTimeout, clock);
            var message = HeartbeatsPacked.Pack(Guid.CreateVersion7(clock.GetUtcNow()), batch.ConvertAll(p => p.Ping));
            // Mandatory: a batch no queue is bound to would be confirmed and dropped; returned, it fails instead.
            await bus.Publish(message, context =>
            {
                if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                    rabbit.Mandatory = true;
            }, timeout.Token);
            Batches.Inc();
            foreach (var pending in batch)
                pending.Done.TrySetResult(true);
        }
        catch (Exception exception)
        {
            // The requests answer 503 and the jobs retry: nothing was acknowledged, so nothing is lost.
            Failures.Inc();
            log.LogWarning(exception, "A batch of {Count} heartbeat pings was not confirmed by RabbitMQ", batch.Count);
            foreach (var pending in batch)
                pending.Done.TrySetResult(false);
        }
        finally
        {
            PublishTime.Observe(clock.GetElapsedTime(started).TotalSeconds);
            inFlight.Release();
        }
    }

    public override void Dispose()
    {
        inFlight.Dispose();
        base.Dispose();
    }
}
