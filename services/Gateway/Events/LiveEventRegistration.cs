using MassTransit;

namespace Sentinel.Gateway.Events;

public static class LiveEventRegistration
{
    /// Every replica must see every event, so each gets its own queue (named with a random instance id) instead of
    /// competing on a shared one. The queue is temporary: non-durable and exclusive to the replica's connection, so
    /// RabbitMQ deletes it when the replica disconnects. It also bounds itself (message TTL, max length), because events older than the replay buffer
    /// are worth nothing to a stream client.
    public static void AddLiveEvents(this IBusRegistrationConfigurator x)
    {
        var queue = $"gateway-live-events-{System.Security.Cryptography.RandomNumberGenerator.GetHexString(12, lowercase: true)}";
        x.AddConsumer<LiveEventConsumer>().Endpoint(e =>
        {
            e.Name = queue;
            e.Temporary = true;
            e.ConcurrentMessageLimit = 1; // events reach clients in the order the broker delivered them
        });
        // Runs after the shared callback, so it also undoes quorum mode for this queue: a quorum queue is always durable.
        x.AddConfigureEndpointsCallback((_, name, endpoint) =>
        {
            if (name != queue || endpoint is not IRabbitMqReceiveEndpointConfigurator rabbit)
                return;
            rabbit.Durable = false;
            rabbit.SetQueueArgument("x-queue-type", "classic");
            rabbit.SetQueueArgument("x-message-ttl", 300_000);
            rabbit.SetQueueArgument("x-max-length", 100_000);
        });
    }
}
