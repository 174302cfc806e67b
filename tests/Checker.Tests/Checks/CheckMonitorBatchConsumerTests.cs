using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.Checker.Tests.Checks.Http;
using Sentinel.Contracts;
using Sentinel.Testing;

namespace Sentinel.Checker.Tests.Checks;

/// The Checker as it runs: hosted in-process on a virtual host of its own, driven and observed over RabbitMQ by a
/// second bus that belongs to the test.
public sealed class CheckMonitorBatchConsumerTests
{
    TargetServer target = null!;
    WebApplicationFactory<Program> checker = null!;
    IBusControl testBus = null!;
    readonly ConcurrentQueue<MonitorChecked> results = new();

    [OneTimeSetUp]
    public async Task StartCheckerAndTestBus()
    {
        target = await TargetServer.StartAsync();
        checker = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            b.UseSetting("RabbitMq:VirtualHost", TestRun.VirtualHost.Name));
        using var client = checker.CreateClient();
        await Poll.UntilAsync(
            async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode, ready => ready,
            TimeSpan.FromSeconds(30), "the Checker's bus to be ready");

        testBus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, ushort.Parse(TestInfrastructure.RabbitPort), TestRun.VirtualHost.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            cfg.ReceiveEndpoint("checker-tests-monitor-checked-packed", e => e.Handler<MonitorCheckedPacked>(context =>
            {
                foreach (var result in context.Message.Unpack())
                    results.Enqueue(result);
                return Task.CompletedTask;
            }));
        });
        await testBus.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await testBus.StopAsync();
        await checker.DisposeAsync();
        await target.DisposeAsync();
    }

    [Test]
    public async Task A_batch_of_three_checks_yields_one_result_per_check()
    {
        var dueAt = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        DueCheck Http(string path) => Due("http", dueAt, new HttpCheckSpec(
            target.Url(path).ToString(), "GET", new Dictionary<string, string>(), null, [], true, false));
        var up = Http("/ok");
        var down = Http("/status/500");
        var unknown = Due("smoke-signal", dueAt, null);

        var endpoint = await testBus.GetSendEndpoint(Queues.Address(Queues.CheckMonitorBatch));
        await endpoint.Send(new CheckMonitorBatch(Guid.NewGuid(), dueAt, [up, down, unknown]));

        var ids = new[] { up.CheckId, down.CheckId, unknown.CheckId };
        var mine = await Poll.UntilAsync(
            () => Task.FromResult(results.Where(r => ids.Contains(r.CheckId)).ToList()), r => r.Count >= 3,
            TimeSpan.FromSeconds(30), "three results");

        Assert.That(mine, Has.Count.EqualTo(3));
        var byId = mine.ToDictionary(r => r.CheckId);
        Assert.Multiple(() =>
        {
            Assert.That(byId[up.CheckId].Up, Is.True);
            Assert.That(byId[up.CheckId].StatusCode, Is.EqualTo(200));
            Assert.That(byId[up.CheckId].MonitorId, Is.EqualTo(up.MonitorId));
            Assert.That(byId[up.CheckId].TenantId, Is.EqualTo(up.TenantId));
            Assert.That(byId[up.CheckId].DueAt, Is.EqualTo(dueAt));
            Assert.That(byId[up.CheckId].CheckedAt, Is.GreaterThan(dueAt));
            Assert.That(byId[down.CheckId].Up, Is.False);
            Assert.That(byId[down.CheckId].StatusCode, Is.EqualTo(500));
            Assert.That(byId[down.CheckId].Error, Is.EqualTo("HTTP 500 is not in 200-299"));
            Assert.That(byId[unknown.CheckId].Up, Is.False);
            Assert.That(byId[unknown.CheckId].StatusCode, Is.Null);
            Assert.That(byId[unknown.CheckId].Error, Does.Contain("'smoke-signal' is not supported"));
        });
    }

    [Test]
    public async Task A_check_sent_ahead_of_its_due_time_starts_at_its_due_time()
    {
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var early = Due("http", dueAt, new HttpCheckSpec(
            target.Url("/ok").ToString(), "GET", new Dictionary<string, string>(), null, [], true, false));

        var endpoint = await testBus.GetSendEndpoint(Queues.Address(Queues.CheckMonitorBatch));
        await endpoint.Send(new CheckMonitorBatch(Guid.NewGuid(), DateTimeOffset.UtcNow, [early]));

        var result = await Poll.UntilAsync(
            () => Task.FromResult(results.FirstOrDefault(r => r.CheckId == early.CheckId)), r => r is not null,
            TimeSpan.FromSeconds(30), "the early check's result");
        Assert.That(result!.CheckedAt, Is.GreaterThanOrEqualTo(dueAt), "not run before it was due");
        Assert.That(result.CheckedAt, Is.LessThan(dueAt.AddSeconds(5)));
        Assert.That(result.Up, Is.True);
    }

    static DueCheck Due(string type, DateTimeOffset dueAt, HttpCheckSpec? spec)
    {
        var monitorId = Guid.NewGuid();
        return new DueCheck(DeterministicGuid.ForCheck(monitorId, dueAt), monitorId, Guid.NewGuid(), type, dueAt, 5, spec);
    }
}
