using System.Text.Json;
using System.Text.RegularExpressions;
using Sentinel.EndToEnd.Tests;
using Sentinel.Testing;

namespace Sentinel.Faults.Tests;

/// RabbitMQ as an operator sees it in the management UI, with `RabbitMq:QuorumQueues=true` as on a cluster: every
/// queue named in kebab-case after its service and message, every queue a quorum queue, every consumer with a
/// bounded prefetch, and a monitor's outage still travelling through the command queues to a webhook.
[TestFixture]
[NonParallelizable]
public sealed partial class QuorumTopologyTests
{
    FaultSystem system = null!;
    LoopbackServer server = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        server = await LoopbackServer.StartAsync();
        system = await FaultSystem.StartAsync("sentinel-quorum", new Dictionary<string, string> { ["RabbitMq__QuorumQueues"] = "true" });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (system is not null)
            await system.DisposeAsync();
        if (server is not null)
            await server.DisposeAsync();
    }

    [Test]
    public async Task With_quorum_queues_an_outage_still_reaches_the_webhook_and_every_queue_is_a_quorum_queue()
    {
        server.Fail("quorum");
        var channel = await system.PostAsync("channels", new { name = "quorum hook", type = "webhook", settings = new { url = server.WebhookUrl("quorum") } });
        await system.PostAsync("monitors", new
        {
            name = "quorum api", type = "http", url = server.TargetUrl("quorum"), intervalSeconds = 5, timeoutSeconds = 2,
            failureThreshold = 1, channelIds = new[] { channel.GetProperty("id").GetGuid() },
        });
        // Scheduler → check-monitor-batch → Checker → … → Alert-Evaluation → send-notification → Delivery → webhook.
        await Poll.UntilAsync(() => Task.FromResult(server.Received("quorum", "down").Count), n => n >= 1,
            TimeSpan.FromSeconds(60), $"a down notification through quorum queues:\n{system.Logs()}");

        using var broker = new BrokerQueues(system.VirtualHost.Name);
        var durable = (await broker.QueuesAsync()).Where(q => q.GetProperty("durable").GetBoolean()).ToList();
        Assert.That(durable.Select(Name), Is.SupersetOf(new[] { "check-monitor-batch", "send-notification", "alert-evaluation-monitor-checked" }));
        foreach (var queue in durable)
            Assert.That(queue.GetProperty("type").GetString(), Is.EqualTo("quorum"), Name(queue));
    }

    [Test]
    public async Task Queues_carry_kebab_case_service_and_message_names_and_every_consumer_has_a_bounded_prefetch()
    {
        using var broker = new BrokerQueues(system.VirtualHost.Name);
        var queues = await Poll.UntilAsync(
            async () => (await broker.QueuesAsync()).Where(q => q.GetProperty("durable").GetBoolean()).Select(Name).ToList(),
            names => names.Contains("gateway-monitor-status-changed") && names.Contains("check-monitor-batch"),
            TimeSpan.FromSeconds(30), "the services' queues");
        Assert.That(queues, Is.SupersetOf(new[]
        {
            "check-monitor-batch", "send-notification", "telemetry-ingest-monitor-checked", "alert-evaluation-monitor-checked",
            "scheduler-monitor-upserted", "scheduler-monitor-deleted", "delivery-channel-upserted", "gateway-monitor-status-changed",
        }));
        foreach (var name in queues)
            Assert.That(name, Does.Match(KebabQueue()), "queue names an operator can read: <service>-<message>[_error|_skipped]");

        using var client = new HttpClient { BaseAddress = TestInfrastructure.RabbitManagement };
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(
            System.Text.Encoding.UTF8.GetBytes($"{TestInfrastructure.RabbitUser}:{TestInfrastructure.RabbitPassword}")));
        // The management API lists consumers from its periodic stats: wait for them rather than read them once.
        var consumers = await Poll.UntilAsync(
            async () => JsonSerializer.Deserialize<List<JsonElement>>(
                await client.GetStringAsync($"api/consumers/{Uri.EscapeDataString(system.VirtualHost.Name)}"))!,
            list => list.Any(c => c.GetProperty("queue").GetProperty("name").GetString() == "check-monitor-batch"),
            TimeSpan.FromSeconds(30), "the consumers of the services' queues");
        foreach (var consumer in consumers.Where(c => queues.Contains(c.GetProperty("queue").GetProperty("name").GetString()!)))
        {
            var prefetch = consumer.GetProperty("prefetch_count").GetInt32();
            Assert.That(prefetch, Is.InRange(1, 1000), $"{consumer.GetProperty("queue").GetProperty("name")}: 0 would be unbounded");
        }
    }

    static string Name(JsonElement queue) => queue.GetProperty("name").GetString()!;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*(_error|_skipped)?$")]
    private static partial Regex KebabQueue();
}
