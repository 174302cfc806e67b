using System.Collections.Concurrent;
using MassTransit;

namespace Sentinel.Gateway.Tests;

/// Tells a test when the Gateway's consumers have finished with a message (observing the bus, not replacing it).
/// Registered in the host's container, so it sees every receive endpoint from the moment the bus starts.
public sealed class ConsumedMessages : IConsumeObserver
{
    readonly ConcurrentQueue<object> done = new();
    public ConcurrentQueue<Exception> Faults { get; } = new();

    public async Task WaitForAsync<T>(Func<T, bool> match) where T : class
    {
        // Generous: a consumer retrying a transient fault (a busy shared database) still counts once it succeeds.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!done.OfType<T>().Any(match))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No {typeof(T).Name} was consumed within 60 s; consumer faults seen: " +
                    string.Join(" | ", Faults.Select(f => f.GetType().Name + ": " + f.Message)));
            await Task.Delay(100);
        }
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        done.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        Faults.Enqueue(exception);
        return Task.CompletedTask;
    }
}
