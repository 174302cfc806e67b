using System.Net;
using System.Net.Http.Headers;
using Sentinel.Testing;

namespace Sentinel.EndToEnd.Tests;

/// The whole system as a user runs it: six services, each its own process with its own bus connection and schema,
/// on a database and virtual host of their own, against real PostgreSQL and RabbitMQ.
[SetUpFixture]
public sealed class SentinelSystem
{
    public static readonly string[] ServiceNames =
        ["Gateway", "Scheduler", "Checker", "TelemetryIngest", "AlertEvaluation", "Delivery"];

    public const string BootstrapApiKey = "sk_e2e_bootstrap_key_0123456789abcdefghij";

    static TestDatabase? database;
    static TestVirtualHost? virtualHost;
    static readonly Dictionary<string, ServiceProcess> Services = [];

    public static HttpClient Gateway { get; private set; } = null!;

    /// What every service process was started with: tests starting further processes (a Checker per location) reuse it.
    public static IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        database = await TestDatabase.CreateAsync("sentinel_e2e");
        virtualHost = await TestVirtualHost.CreateAsync("sentinel-e2e");
        var ports = ServiceNames.ToDictionary(s => s, _ => FreePort());
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["RabbitMq__Host"] = TestInfrastructure.RabbitHost,
            ["RabbitMq__Port"] = TestInfrastructure.RabbitPort,
            ["RabbitMq__Username"] = TestInfrastructure.RabbitUser,
            ["RabbitMq__Password"] = TestInfrastructure.RabbitPassword,
            ["RabbitMq__VirtualHost"] = virtualHost.Name,
            ["Redis__Configuration"] = TestInfrastructure.RedisConfiguration,
            ["Gateway__BootstrapApiKey"] = BootstrapApiKey,
            ["Delivery__SecretKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Outbox__PollMilliseconds"] = "50",
            // Heartbeat tests wait for missed deadlines: seconds, not the production minimum of a minute.
            ["Heartbeats__MinSeconds"] = "1",
            // Location tests: 3-second monitors, rounds closing 2 s after their check timeout, Checkers reporting
            // (and probing their canaries) every second, a location offline after 4 silent seconds.
            ["Monitors__MinIntervalSeconds"] = "1",
            ["Alerting__RoundMarginSeconds"] = "2",
            ["Alerting__CheckerSilenceSeconds"] = "4",
            ["Checker__StatusSeconds"] = "1",
            ["Checker__CanaryIntervalSeconds"] = "1",
            ["Checker__CanaryTimeoutSeconds"] = "1",
        };
        Environment = environment;
        foreach (var (name, port) in ports)
            environment[$"Services__{name}"] = $"http://127.0.0.1:{port}";

        foreach (var name in ServiceNames.Where(n => n != "Checker"))
            await ServiceProcess.MigrateAsync(name, environment);

        foreach (var name in ServiceNames)
            Services[name] = new ServiceProcess(name, ports[name], environment, LogPath(name));
        await Task.WhenAll(Services.Values.Select(s => s.StartAsync()));

        Gateway = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports["Gateway"]}/api/v1/") };
        Gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BootstrapApiKey);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        Gateway?.Dispose();
        await Task.WhenAll(Services.Values.Select(s => s.StopAsync()));
        if (virtualHost is not null)
            await virtualHost.DisposeAsync();
        if (database is not null)
            await database.DisposeAsync();
    }

    public static ServiceProcess Service(string name) => Services[name];

    /// Each process's console output, kept next to the test results (logName tells a second replica's log apart).
    public static string LogPath(string logName) => Path.Combine(TestContext.CurrentContext.WorkDirectory, $"e2e-{logName}.log");

    public static int FreePort() => FreePorts.Next();
}
