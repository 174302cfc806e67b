using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sentinel.EndToEnd.Tests;
using Sentinel.Testing;

namespace Sentinel.Faults.Tests;

/// The system under faults, with real processes on loopback: kill -9, two replicas, a poison message, and restarts
/// of RabbitMQ, PostgreSQL and Redis, each under a steady load of checks with incidents opening and resolving. The
/// figures go to the test output and to fault-figures.txt (docs/reliability.md quotes them). Category "fault": the
/// test command runs these alone, after the other assemblies, because restarting a server disturbs everyone on it.
[TestFixture]
[Category("fault")]
[NonParallelizable]
public sealed class FaultTests
{
    FaultSystem system = null!;
    LoopbackServer server = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        server = await LoopbackServer.StartAsync();
        system = await FaultSystem.StartAsync("sentinel-fault");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (system is not null)
            await system.DisposeAsync();
        if (server is not null)
            await server.DisposeAsync();
    }

    [Test, Order(1)]
    public async Task Killing_each_service_with_sigkill_loses_no_check_result_and_sends_every_notification_once()
    {
        var load = new SteadyLoad(system, server, "kill");
        await load.StartAsync(steadyCount: 16, flappingCount: 5);
        await Task.Delay(TimeSpan.FromSeconds(8));

        var restartSeconds = new List<string>();
        foreach (var name in FaultSystem.ServiceNames)
        {
            var victim = system.Instances(name)[0];
            await victim.KillAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            var watch = Stopwatch.StartNew();
            await victim.StartAsync();
            restartSeconds.Add($"{name} {watch.Elapsed.TotalSeconds:0.0}s");
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        var ledger = await load.StopAndCountAsync();
        Figures.Write("kill -9 each service in turn", $"{ledger}; ready again after restart: {string.Join(", ", restartSeconds)}");
        AssertNothingLost(ledger);
    }

    [Test, Order(2)]
    public async Task Two_replicas_of_every_service_dispatch_each_check_once_and_notify_once()
    {
        await Task.WhenAll(FaultSystem.ServiceNames.Select(system.StartReplicaAsync));
        try
        {
            var load = new SteadyLoad(system, server, "replicas");
            await load.StartAsync(steadyCount: 16, flappingCount: 3);
            await Task.Delay(TimeSpan.FromSeconds(50));
            var ledger = await load.StopAndCountAsync();
            Figures.Write("two replicas of every service", ledger.ToString());
            AssertNothingLost(ledger);
            Assert.That(ledger.ReexecutedChecks, Is.Zero, "a check executed twice means it was dispatched twice");
        }
        finally
        {
            await system.StopReplicasAsync();
        }
    }

    [Test, Order(3)]
    public async Task A_poison_message_ends_in_the_error_queue_with_its_reason_and_the_consumer_goes_on()
    {
        const string queue = "alert-evaluation-monitor-checked";
        using var broker = new BrokerQueues(system.VirtualHost.Name);
        var marker = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var faultsBefore = await system.MetricAsync("AlertEvaluation", "sentinel_consumer_faults_total{message_type=\"unreadable\"}");
        // A MonitorChecked envelope whose result cannot be read (a date that is not one): no retry can ever help.
        await broker.PublishAsync(queue, JsonSerializer.Serialize(new
        {
            messageId = marker,
            messageType = new[] { "urn:message:Sentinel.Contracts:MonitorChecked" },
            message = new
            {
                checkId = marker, monitorId = Guid.NewGuid(), tenantId = Guid.NewGuid(), up = false, statusCode = 500,
                latencyMs = 1.0, error = "poison", dueAt = "not a date", checkedAt = now,
            },
            sentTime = now,
        }));
        // Bytes that are not a message at all.
        await broker.PublishAsync(queue, "{this is not json");

        var watch = Stopwatch.StartNew();
        // Ours are recognised by their content: other faults (there should be none) may share the queue.
        static string Header(JsonElement message, string name) =>
            message.GetProperty("properties").GetProperty("headers").TryGetProperty(name, out var v) ? v.ToString() : "";
        static string Payload(JsonElement message) => message.GetProperty("payload").GetString()!;
        var errors = await Poll.UntilAsync(
            async () => (await broker.PeekAsync($"{queue}_error", 500))
                .Where(m => Payload(m).Contains(marker.ToString()) || Payload(m) == "{this is not json")
                .ToList(),
            list => list.Count >= 2,
            TimeSpan.FromSeconds(90),
            $"both poison messages in {queue}_error");
        var badDate = errors.Single(m => Payload(m).Contains(marker.ToString()));
        var unreadable = errors.Single(m => Payload(m) == "{this is not json");
        Assert.That(Header(badDate, "MT-Reason"), Is.EqualTo("fault"));
        Assert.That(Header(badDate, "MT-Fault-Message"), Does.Contain("dueAt").Or.Contains("DateTimeOffset"), "the reason names what is wrong");
        Assert.That(Header(unreadable, "MT-Reason"), Is.EqualTo("fault"));
        Assert.That(Header(unreadable, "MT-Fault-ExceptionType"), Does.Contain("Json").Or.Contains("Serialization"));
        await Poll.UntilAsync(
            () => system.MetricAsync("AlertEvaluation", "sentinel_consumer_faults_total{message_type=\"unreadable\"}"),
            n => n >= faultsBefore + 2, TimeSpan.FromSeconds(10), "sentinel_consumer_faults_total to count both");
        var faultedAfter = watch.Elapsed.TotalSeconds;

        // The consumer goes on: a monitor failing now still pages.
        server.Fail("after-poison");
        var channel = await system.PostAsync("channels", new { name = "after poison", type = "webhook", settings = new { url = server.WebhookUrl("after-poison") } });
        await system.PostAsync("monitors", new
        {
            name = "after poison", type = "http", url = server.TargetUrl("after-poison"), intervalSeconds = 5, timeoutSeconds = 2,
            failureThreshold = 1, channelIds = new[] { channel.GetProperty("id").GetGuid() },
        });
        await Poll.UntilAsync(() => Task.FromResult(server.Received("after-poison", "down").Count), n => n == 1,
            TimeSpan.FromSeconds(60), "a down notification after the poison messages");
        Figures.Write("poison messages", $"both in {queue}_error with MT-Fault-Message after {faultedAfter:0.0}s (retries included); consumer went on");
    }

    [Test, Order(4)]
    public async Task Restarting_rabbitmq_postgresql_and_redis_each_recovers_within_30_seconds_and_loses_nothing()
    {
        var load = new SteadyLoad(system, server, "restart");
        await load.StartAsync(steadyCount: 16, flappingCount: 4);
        await Task.Delay(TimeSpan.FromSeconds(8));

        var recoveries = new List<string>();
        foreach (var target in new[] { LocalServers.RabbitMq, LocalServers.PostgreSql, LocalServers.Redis })
        {
            var watch = Stopwatch.StartNew();
            await LocalServers.RestartAsync(target);
            Npgsql.NpgsqlConnection.ClearAllPools(); // this test's own connections died with PostgreSQL
            var restartedIn = watch.Elapsed.TotalSeconds;
            var back = DateTimeOffset.UtcNow;
            watch.Restart();
            // Recovered: a check due after the server came back went all the way to PostgreSQL, and every process is ready.
            await Poll.UntilAsync(load.NewestResultAsync, t => t > back, TimeSpan.FromSeconds(30),
                $"a fresh check result after restarting {target.Name}:\n{system.Logs()}");
            var ready = await system.WaitUntilAllReadyAsync(TimeSpan.FromSeconds(30) - watch.Elapsed, $"after restarting {target.Name}");
            var recovered = watch.Elapsed.TotalSeconds;
            Assert.That(recovered, Is.LessThanOrEqualTo(30), $"{target.Name}: recovery took {recovered:0.0}s");
            recoveries.Add($"{target.Name} restart {restartedIn:0.0}s, recovered {recovered:0.0}s after it was back");
            Figures.Write($"restart {target.Name}", recoveries[^1]);
            await Task.Delay(TimeSpan.FromSeconds(8));
        }

        await load.WaitForIncidentsAsync(atLeast: 2, TimeSpan.FromSeconds(90));
        var ledger = await load.StopAndCountAsync();
        Figures.Write("restart RabbitMQ, PostgreSQL, Redis", $"{ledger}; {string.Join("; ", recoveries)}");
        AssertNothingLost(ledger);
    }

    static void AssertNothingLost(Ledger ledger)
    {
        Assert.That(ledger.PairsJudged, Is.GreaterThan(50), $"too few results to judge: {ledger}");
        Assert.That(ledger.ChecksLost, Is.Zero, ledger.ToString());
        Assert.That(ledger.DuplicateResults, Is.Zero, ledger.ToString());
        Assert.That(ledger.Incidents, Is.GreaterThanOrEqualTo(2), ledger.ToString());
        Assert.That(ledger.NotificationsMissing, Is.Zero, ledger.ToString());
        Assert.That(ledger.NotificationsDuplicated, Is.Zero, ledger.ToString());
        Assert.That(ledger.PingsAnswered, Is.GreaterThan(100), $"too few heartbeat pings to judge: {ledger}");
        Assert.That(ledger.PingsLost, Is.Zero, ledger.ToString());
    }
}

static class Figures
{
    public static void Write(string scenario, string figures)
    {
        var line = $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm}Z | {scenario} | {figures}";
        TestContext.Progress.WriteLine("FIGURES " + line);
        File.AppendAllText(Path.Combine(TestContext.CurrentContext.WorkDirectory, "fault-figures.txt"), line + Environment.NewLine);
    }
}
