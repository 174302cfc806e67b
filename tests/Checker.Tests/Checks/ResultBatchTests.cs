using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.Checker.Tests.Checks.Http;
using Sentinel.Contracts;
using Sentinel.Testing;

namespace Sentinel.Checker.Tests.Checks;

/// Results leave the Checker as MonitorCheckedPacked messages (only those are listened to here): a message goes when
/// it is full or when its time is up, whichever comes first. Here full means 5 results and the time is 3 s, so what travels together is plain to see.
public sealed class ResultBatchTests
{
    TestVirtualHost virtualHost = null!;
    TargetServer target = null!;
    WebApplicationFactory<Program> checker = null!;
    IBusControl testBus = null!;
    readonly ConcurrentQueue<Received> messages = new();

    /// A packed message as it arrived, unpacked.
    sealed record Received(Guid BatchId, int Count, IReadOnlyList<MonitorChecked> Results);

    [OneTimeSetUp]
    public async Task StartCheckerAndTestBus()
    {
        virtualHost = await TestVirtualHost.CreateAsync("checker_batches");
        target = await TargetServer.StartAsync();
        checker = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("RabbitMq:VirtualHost", virtualHost.Name);
            b.UseSetting("Checker:ResultBatchSize", "5");
            b.UseSetting("Checker:ResultBatchMilliseconds", "3000");
        });
        using var client = checker.CreateClient();
        await Poll.UntilAsync(
            async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode, ready => ready,
            TimeSpan.FromSeconds(30), "the Checker's bus to be ready");

        testBus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, ushort.Parse(TestInfrastructure.RabbitPort), virtualHost.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            cfg.ReceiveEndpoint("checker-batch-tests-results", e => e.Handler<MonitorCheckedPacked>(context =>
            {
                messages.Enqueue(new Received(context.Message.BatchId, context.Message.Count, context.Message.Unpack()));
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
        await virtualHost.DisposeAsync();
    }

    [Test]
    public async Task All_results_of_a_check_batch_travel_in_one_message()
    {
        var checks = new[]
        {
            Http("/ok"), Http("/status/500"), Http("/ok"), Checks.Due("smoke-signal"),
        };
        await SendAsync(checks);

        var mine = await MessagesWithAsync(checks, TimeSpan.FromSeconds(30));

        Assert.That(mine, Has.Count.EqualTo(1), "one message for the whole batch");
        Assert.That(mine[0].Results.Select(r => r.CheckId), Is.EquivalentTo(checks.Select(c => c.CheckId)));
        Assert.That(mine[0].BatchId, Is.Not.EqualTo(Guid.Empty));
        Assert.That(mine[0].Count, Is.EqualTo(4));
        var byId = mine[0].Results.ToDictionary(r => r.CheckId);
        Assert.That(byId[checks[0].CheckId].Up, Is.True);
        Assert.That(byId[checks[1].CheckId].StatusCode, Is.EqualTo(500));
        Assert.That(byId[checks[3].CheckId].Error, Does.Contain("'smoke-signal' is not supported"));
    }

    [Test]
    public async Task A_full_message_goes_at_once_and_the_rest_when_its_time_is_up()
    {
        // Twelve checks that finish at once: two full messages of five, then the last two after the 3 s window.
        var checks = Enumerable.Range(0, 12).Select(_ => Checks.Due("smoke-signal")).ToArray();
        await SendAsync(checks);

        var mine = await MessagesWithAsync(checks, TimeSpan.FromSeconds(30));

        Assert.That(mine.Select(m => m.Results.Count), Is.EqualTo(new[] { 5, 5, 2 }));
        Assert.That(mine.SelectMany(m => m.Results).Select(r => r.CheckId), Is.EquivalentTo(checks.Select(c => c.CheckId)));
    }

    DueCheck Http(string path) => Checks.Due("http",
        new HttpCheckSpec(target.Url(path).ToString(), "GET", new Dictionary<string, string>(), null, [], true, false));

    async Task SendAsync(DueCheck[] checks)
    {
        var endpoint = await testBus.GetSendEndpoint(Queues.Address(Queues.CheckMonitorBatch));
        await endpoint.Send(new CheckMonitorBatch(Guid.NewGuid(), DateTimeOffset.UtcNow, checks));
    }

    /// The messages (in arrival order) carrying any of these checks' results, once every result has arrived.
    Task<List<Received>> MessagesWithAsync(DueCheck[] checks, TimeSpan timeout)
    {
        var ids = checks.Select(c => c.CheckId).ToHashSet();
        return Poll.UntilAsync(
            () => Task.FromResult(messages.Where(m => m.Results.Any(r => ids.Contains(r.CheckId))).ToList()),
            list => list.SelectMany(m => m.Results).Count(r => ids.Contains(r.CheckId)) >= ids.Count,
            timeout, $"results of {ids.Count} checks");
    }
}
