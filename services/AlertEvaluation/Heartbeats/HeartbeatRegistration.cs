using MassTransit;

namespace Sentinel.AlertEvaluation.Heartbeats;

public static class HeartbeatRegistration
{
    /// Pings and deadline misses of heartbeat monitors, and the status changes recorded as flips (of any monitor).
    public static IBusRegistrationConfigurator AddHeartbeatConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<HeartbeatsReceivedConsumer, HeartbeatsReceivedConsumerDefinition>();
        x.AddConsumer<HeartbeatDeadlineMissedConsumer, HeartbeatDeadlineMissedConsumerDefinition>();
        x.AddConsumer<MonitorStatusChangedConsumer, MonitorStatusChangedConsumerDefinition>();
        return x;
    }
}
