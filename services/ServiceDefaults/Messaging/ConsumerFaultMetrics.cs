using MassTransit;
using Prometheus;

namespace Sentinel.ServiceDefaults.Messaging;

/// Counts messages a consumer gave up on: MassTransit reports a consume fault once, after the retries are spent,
/// which is exactly when the message moves to `_error`. Unreadable messages (bad JSON, wrong field types) never
/// reach a consumer and are counted as message_type="unreadable".
public sealed class ConsumerFaultMetrics : IReceiveObserver
{
    public const string Unreadable = "unreadable";

    static readonly Counter Faults = Metrics.CreateCounter(
        "sentinel_consumer_faults_total",
        "Messages moved to an _error queue after every retry failed, by message type.",
        "message_type");

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class =>
        Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class
    {
        Faults.WithLabels(MessageTypeName(typeof(T))).Inc();
        return Task.CompletedTask;
    }

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        Faults.WithLabels(Unreadable).Inc();
        return Task.CompletedTask;
    }

    /// MonitorChecked, or Batch<MonitorChecked> for a batch consumer: the names an operator sees in the contracts.
    public static string MessageTypeName(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(",", type.GetGenericArguments().Select(MessageTypeName))}>"
            : type.Name;
}
