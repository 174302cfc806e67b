using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sentinel.EndToEnd.Tests;
using Sentinel.Testing;

namespace Sentinel.Faults.Tests;

/// The six services as separate processes on a database and virtual host of their own, like SentinelSystem, but
/// owned by one fault fixture: its tests kill, duplicate and starve these processes. Lives outside the
/// Sentinel.EndToEnd.Tests namespace so that the ordinary end-to-end system is not started for fault runs.
public sealed class FaultSystem : IAsyncDisposable
{
    public static readonly string[] ServiceNames = SentinelSystem.ServiceNames;

    readonly Dictionary<string, string> environment;
    readonly Dictionary<string, List<ServiceProcess>> services = [];

    FaultSystem(TestDatabase database, TestVirtualHost virtualHost, Dictionary<string, string> environment)
    {
        Database = database;
        VirtualHost = virtualHost;
        this.environment = environment;
    }

    public TestDatabase Database { get; }
    public TestVirtualHost VirtualHost { get; }
    public HttpClient Gateway { get; private set; } = null!;

    public IReadOnlyList<ServiceProcess> Instances(string name) => services[name];
    public IEnumerable<ServiceProcess> All => services.Values.SelectMany(s => s);

    public static async Task<FaultSystem> StartAsync(string prefix, IReadOnlyDictionary<string, string>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(prefix.Replace('-', '_'));
        var virtualHost = await TestVirtualHost.CreateAsync(prefix);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["RabbitMq__Host"] = TestInfrastructure.RabbitHost,
            ["RabbitMq__Port"] = TestInfrastructure.RabbitPort,
            ["RabbitMq__Username"] = TestInfrastructure.RabbitUser,
            ["RabbitMq__Password"] = TestInfrastructure.RabbitPassword,
            ["RabbitMq__VirtualHost"] = virtualHost.Name,
            ["Redis__Configuration"] = TestInfrastructure.RedisConfiguration,
            ["Gateway__BootstrapApiKey"] = SentinelSystem.BootstrapApiKey,
            ["Outbox__PollMilliseconds"] = "50",
            // Flapping on purpose: the storm caps must not swallow the notifications these tests count.
            ["Alerting__RateLimits__ChannelMaxAlerts"] = "100000",
            ["Alerting__RateLimits__MonitorMaxAlerts"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;

        var system = new FaultSystem(database, virtualHost, environment);
        var ports = ServiceNames.ToDictionary(s => s, _ => FreePort());
        foreach (var (name, port) in ports)
            environment[$"Services__{name}"] = $"http://127.0.0.1:{port}";
        foreach (var name in ServiceNames.Where(n => n != "Checker"))
            await ServiceProcess.MigrateAsync(name, environment);
        foreach (var name in ServiceNames)
            system.services[name] = [new ServiceProcess(name, ports[name], environment, SentinelSystem.LogPath($"{prefix}-{name}-1"))];
        await Task.WhenAll(system.All.Select(s => s.StartAsync()));

        system.Gateway = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports["Gateway"]}/api/v1/"), Timeout = TimeSpan.FromSeconds(10) };
        system.Gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SentinelSystem.BootstrapApiKey);
        return system;
    }

    /// One more process of the service, on a port of its own, sharing the database and virtual host.
    public async Task<ServiceProcess> StartReplicaAsync(string name)
    {
        var replica = new ServiceProcess(name, FreePort(), environment, SentinelSystem.LogPath($"{VirtualHost.Name}-{name}-{services[name].Count + 1}"));
        services[name].Add(replica);
        await replica.StartAsync();
        return replica;
    }

    public async Task StopReplicasAsync()
    {
        foreach (var instances in services.Values)
        {
            await Task.WhenAll(instances.Skip(1).Select(r => r.StopAsync()));
            instances.RemoveRange(1, instances.Count - 1);
        }
    }

    /// Seconds until every process answers /health/ready with 200, failing after the deadline.
    public async Task<double> WaitUntilAllReadyAsync(TimeSpan deadline, string why)
    {
        var watch = Stopwatch.StartNew();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var service in All)
            await Poll.UntilAsync(async () =>
                {
                    try
                    {
                        return (await client.GetAsync($"{service.BaseUrl}/health/ready")).StatusCode;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        return HttpStatusCode.ServiceUnavailable;
                    }
                },
                s => s == HttpStatusCode.OK,
                deadline - watch.Elapsed < TimeSpan.Zero ? TimeSpan.Zero : deadline - watch.Elapsed,
                $"{service.Name} on :{service.Port} to be ready again ({why})");
        return watch.Elapsed.TotalSeconds;
    }

    /// Sum of one Prometheus series over every process of a service.
    public async Task<double> MetricAsync(string service, string series)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        double total = 0;
        foreach (var instance in services[service])
        {
            var text = await client.GetStringAsync($"{instance.BaseUrl}/metrics");
            foreach (var line in text.Split('\n'))
                if (line.StartsWith(series + " ", StringComparison.Ordinal))
                    total += double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return total;
    }

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        var response = await Gateway.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), $"POST {path}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    public string Logs() => string.Join("\n", All.Select(s => $"--- {s.Name} :{s.Port}\n{s.Tail(25)}"));

    public async ValueTask DisposeAsync()
    {
        Gateway?.Dispose();
        await Task.WhenAll(All.Select(s => s.StopAsync()));
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }

    static int FreePort() => FreePorts.Next();
}
