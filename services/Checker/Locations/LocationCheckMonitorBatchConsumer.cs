using MassTransit;
using Sentinel.Checker.Checks;
using Sentinel.Contracts;

namespace Sentinel.Checker.Locations;

/// The same work as the shared queue's consumer, on this Checker's location queue (check-monitor-batch-{location}).
/// A class of its own because MassTransit gives one consumer type one endpoint.
public sealed class LocationCheckMonitorBatchConsumer(CheckMonitorBatchConsumer checks) : IConsumer<CheckMonitorBatch>
{
    public Task Consume(ConsumeContext<CheckMonitorBatch> context) => checks.Consume(context);
}
