namespace Sentinel.Contracts;

/// Queues that commands are sent to. They equal the kebab-case names MassTransit gives the consumers
/// (CheckMonitorBatchConsumer → check-monitor-batch), so operators see one name everywhere.
public static class Queues
{
    public const string CheckMonitorBatch = "check-monitor-batch";
    public const string SendNotification = "send-notification";

    public static Uri Address(string queue) => new($"queue:{queue}");
}
