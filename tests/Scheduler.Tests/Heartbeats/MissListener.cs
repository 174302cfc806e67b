using System.Collections.Concurrent;
using MassTransit;
using Sentinel.Contracts;
using Sentinel.Testing;

namespace Sentinel.Scheduler.Tests.Heartbeats;

/// Stands in for Alert-Evaluation: a bus of the test's own with a queue bound to HeartbeatDeadlineMissed, keeping every
/// miss with the (real) time it arrived.
public sealed class MissListener : IAsyncDisposable
{
    readonly IBusControl bus;
    readonly ConcurrentQueue<(HeartbeatDeadlineMissed Miss, DateTimeOffset ReceivedAt)> misses;

    MissListener(IBusControl bus, ConcurrentQueue<(HeartbeatDeadlineMissed, DateTimeOffset)> misses)
    {
        this.bus = bus;
        this.misses = misses;
    }

    public IReadOnlyList<(HeartbeatDeadlineMissed Miss, DateTimeOffset ReceivedAt)> Of(Func<HeartbeatDeadlineMissed, bool> mine) =>
        misses.Where(m => mine(m.Miss)).ToList();

    public static async Task<MissListener> StartAsync(TestVirtualHost virtualHost)
    {
        var misses = new ConcurrentQueue<(HeartbeatDeadlineMissed, DateTimeOffset)>();
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, ushort.Parse(TestInfrastructure.RabbitPort), virtualHost.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            cfg.ReceiveEndpoint("test-heartbeat-deadline-missed", e =>
            {
                e.PrefetchCount = 500;
                e.Handler<HeartbeatDeadlineMissed>(context =>
                {
                    misses.Enqueue((context.Message, DateTimeOffset.UtcNow));
                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync();
        return new MissListener(bus, misses);
    }

    public async ValueTask DisposeAsync() => await bus.StopAsync();
}
