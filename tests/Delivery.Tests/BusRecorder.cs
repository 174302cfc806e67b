using System.Collections.Concurrent;
using MassTransit;

namespace Sentinel.Delivery.Tests;

/// What went over the bus: every message the service consumed successfully (so a test can wait until a duplicate or
/// an out-of-order event has really been handled) and the outcome events the service published.
public sealed class BusRecorder : IConsumeObserver
{
    readonly ConcurrentQueue<object> consumed = new();
    readonly ConcurrentQueue<object> published = new();

    public IReadOnlyList<T> Consumed<T>() => consumed.OfType<T>().ToList();
    public IReadOnlyList<T> Published<T>() => published.OfType<T>().ToList();

    public void RecordPublished(object message) => published.Enqueue(message);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        consumed.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
