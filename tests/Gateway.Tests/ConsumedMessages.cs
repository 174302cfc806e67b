using System.Collections.Concurrent;
using MassTransit;
using Sentinel.Testing;

namespace Sentinel.Gateway.Tests;

/// Tells a test when the Gateway's consumers have finished with a message (observing the bus, not replacing it).
/// Registered in the host's container, so it sees every receive endpoint from the moment the bus starts.
public sealed class ConsumedMessages : IConsumeObserver
{
    readonly ConcurrentQueue<object> done = new();
    public ConcurrentQueue<Exception> Faults { get; } = new();

    public async Task WaitForAsync<T>(Func<T, bool> match) where T : class =>
        await Poll.UntilAsync(() => Task.FromResult(done.OfType<T>().Any(match)), found => found,
            TimeSpan.FromSeconds(30), $"a {typeof(T).Name} to be consumed");

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
