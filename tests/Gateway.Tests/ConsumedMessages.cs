using System.Collections.Concurrent;
using MassTransit;

namespace Sentinel.Gateway.Tests;

/// Tells a test when the Gateway's consumers have finished with a message (observing the bus, not replacing it).
/// Registered in the host's container, so it sees every receive endpoint from the moment the bus starts.
public sealed class ConsumedMessages : IConsumeObserver
{
    readonly ConcurrentQueue<object> done = new();
    /// Every fault with the message it was about. Several Gateway hosts of the suite share this observer, and one being
    /// disposed faults on whatever it was consuming (the message is redelivered): ask about your own messages.
    public ConcurrentQueue<(object Message, Exception Fault)> Faults { get; } = new();

    public IReadOnlyList<Exception> FaultsFor<T>(Func<T, bool> match) where T : class =>
        Faults.Where(f => f.Message is T m && match(m)).Select(f => f.Fault).ToList();

    public async Task WaitForAsync<T>(Func<T, bool> match) where T : class
    {
        // Generous: a consumer retrying a transient fault (a busy shared database) still counts once it succeeds.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!done.OfType<T>().Any(match))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No {typeof(T).Name} was consumed within 60 s; consumer faults seen: " +
                    string.Join(" | ", Faults.Select(f => f.Fault.GetType().Name + ": " + f.Fault.Message)));
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
        Faults.Enqueue((context.Message, exception));
        return Task.CompletedTask;
    }
}
