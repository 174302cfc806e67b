using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Sentinel.Contracts;
using Sentinel.Scheduler.Dispatch;
using Sentinel.Scheduler.Schedules;
using Sentinel.ServiceDefaults.Data;
using Sentinel.Testing;

namespace Sentinel.Scheduler.Tests;

/// The Scheduler hosted in-process on a test database and virtual host. With a fake clock its dispatch loop is
/// left out (and so is the heartbeat deadline loop) and tests run dispatch rounds themselves, at fake times they choose.
public sealed class SchedulerHost : IAsyncDisposable
{
    readonly WebApplicationFactory<Program> factory;
    readonly ConsumedMessages consumed = new();

    SchedulerHost(WebApplicationFactory<Program> factory) => this.factory = factory;

    public IServiceProvider Services => factory.Services;

    public HttpClient CreateClient() => factory.CreateClient();

    public static async Task<SchedulerHost> StartAsync(
        TestDatabase database, TestVirtualHost virtualHost, FakeTimeProvider? clock,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", database.ConnectionString);
            b.UseSetting("RabbitMq:VirtualHost", virtualHost.Name);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
                b.UseSetting(key, value);
            if (clock is null)
                return;
            b.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                services.Remove(services.Single(d =>
                    d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DispatchLoop)));
                services.Remove(services.Single(d =>
                    d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(Sentinel.Scheduler.Heartbeats.DeadlineLoop)));
            });
        });
        var host = new SchedulerHost(factory);
        await using (var scope = factory.Services.CreateAsyncScope())
            await DatabaseExtensions.MigrateAsync<SchedulerDb>(scope.ServiceProvider, CancellationToken.None);
        factory.Services.GetRequiredService<IBus>().ConnectConsumeObserver(host.consumed);

        using var client = factory.CreateClient();
        await Poll.UntilAsync(
            async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode, ready => ready,
            TimeSpan.FromSeconds(30), "the Scheduler to be ready");
        return host;
    }

    /// Publishes a catalog event and waits until the Scheduler has consumed it (applied or ignored).
    public async Task PublishAndWaitAsync<T>(T message) where T : class
    {
        var messageId = NewId.NextGuid();
        await Services.GetRequiredService<IBus>().Publish(message, c => c.MessageId = messageId);
        await Poll.UntilAsync(
            () => Task.FromResult(consumed.Contains(messageId)), done => done, TimeSpan.FromSeconds(30),
            $"the Scheduler to consume {typeof(T).Name}");
    }

    public async Task<Schedule?> FindAsync(Guid monitorId)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SchedulerDb>().Schedules.AsNoTracking()
            .SingleOrDefaultAsync(s => s.MonitorId == monitorId);
    }

    public async Task<DispatchRound> DispatchAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CheckDispatcher>().DispatchDueAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    sealed class ConsumedMessages : IConsumeObserver
    {
        readonly ConcurrentDictionary<Guid, bool> seen = new();

        public bool Contains(Guid messageId) => seen.ContainsKey(messageId);

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.MessageId is { } id)
                seen[id] = true;
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}

/// Stands in for the Checker: a bus of the test's own, consuming the check-monitor-batch queue and keeping every
/// batch it receives.
public sealed class CheckerStandIn : IAsyncDisposable
{
    readonly IBusControl bus;

    CheckerStandIn(IBusControl bus, ConcurrentQueue<CheckMonitorBatch> batches)
    {
        this.bus = bus;
        Batches = batches;
    }

    public ConcurrentQueue<CheckMonitorBatch> Batches { get; }

    public IReadOnlyList<DueCheck> ChecksOf(Func<DueCheck, bool> mine) =>
        Batches.SelectMany(b => b.Checks).Where(mine).ToList();

    public static async Task<CheckerStandIn> StartAsync(TestVirtualHost virtualHost)
    {
        var batches = new ConcurrentQueue<CheckMonitorBatch>();
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, ushort.Parse(TestInfrastructure.RabbitPort), virtualHost.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            cfg.ReceiveEndpoint(Queues.CheckMonitorBatch, e => e.Handler<CheckMonitorBatch>(context =>
            {
                batches.Enqueue(context.Message);
                return Task.CompletedTask;
            }));
        });
        await bus.StartAsync();
        return new CheckerStandIn(bus, batches);
    }

    public async ValueTask DisposeAsync() => await bus.StopAsync();
}
