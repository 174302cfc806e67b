namespace Sentinel.Contracts;

/// Queues that commands are sent to. They equal the kebab-case names MassTransit gives the consumers
/// (CheckMonitorBatchConsumer → check-monitor-batch), so operators see one name everywhere.
public static class Queues
{
    public const string CheckMonitorBatch = "check-monitor-batch";
    public const string SendNotification = "send-notification";

    /// The queue of one location's Checkers (a Checker started with Checker:Location consumes it besides the shared
    /// one). Location names are validated by the Gateway (Locations.IsValidName), so they are safe in a queue name.
    public static string CheckMonitorBatchFor(string location) => $"{CheckMonitorBatch}-{location}";

    public static Uri Address(string queue) => new($"queue:{queue}");
}
