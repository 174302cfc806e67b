using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Heartbeats;

/// Keeps every replica's ping cache (PingTargets) true to the catalog: any replica may have made the change, and only
/// its events reach the others. One class for both messages on purpose, like LiveEventConsumer: they share one
/// temporary queue per replica, and a class per message would declare a queue per message per replica. Evicting is
/// idempotent, so redelivery and reordering are harmless.
public sealed class PingTargetEvictionConsumer(PingTargets targets) : IConsumer<MonitorUpserted>, IConsumer<MonitorDeleted>
{
    public Task Consume(ConsumeContext<MonitorUpserted> context)
    {
        targets.Forget(context.Message.MonitorId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MonitorDeleted> context)
    {
        targets.Forget(context.Message.MonitorId);
        return Task.CompletedTask;
    }
}

public static class PingTargetEvictions
{
    /// Every replica must see every change, so each gets its own queue (a random instance id in its name), temporary
    /// like the live-event queue (non-durable, exclusive, deleted by RabbitMQ when the replica disconnects). An event
    /// older than `Heartbeats:CacheSeconds` evicts nothing the TTL has not already, so that is the queue's message TTL.
    /// Changes published while the queue did not exist (start, a lost connection) are missed: whenever the endpoint
    /// becomes ready the whole cache is dropped.
    public static void AddPingTargetEvictions(this IBusRegistrationConfigurator x)
    {
        var queue = $"gateway-ping-targets-{System.Security.Cryptography.RandomNumberGenerator.GetHexString(12, lowercase: true)}";
        x.AddConsumer<PingTargetEvictionConsumer>().Endpoint(e =>
        {
            e.Name = queue;
            e.Temporary = true;
        });
        // Runs after the shared callback, so it also undoes quorum mode for this queue: a quorum queue is always durable.
        x.AddConfigureEndpointsCallback((context, name, endpoint) =>
        {
            if (name != queue)
                return;
            var targets = context.GetRequiredService<PingTargets>();
            endpoint.ConnectReceiveEndpointObserver(new ForgetAllWhenReady(targets));
            if (endpoint is not IRabbitMqReceiveEndpointConfigurator rabbit)
                return;
            rabbit.Durable = false;
            rabbit.SetQueueArgument("x-queue-type", "classic");
            rabbit.SetQueueArgument("x-message-ttl", (long)targets.Ttl.TotalMilliseconds);
        });
    }

    sealed class ForgetAllWhenReady(PingTargets targets) : IReceiveEndpointObserver
    {
        public Task Ready(ReceiveEndpointReady ready)
        {
            targets.ForgetAll();
            return Task.CompletedTask;
        }

        public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;
        public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
        public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
    }
}
