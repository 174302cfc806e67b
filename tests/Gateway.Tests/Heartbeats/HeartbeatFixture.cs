using System.Collections.Concurrent;
using System.Net;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.Contracts;
using Sentinel.Gateway.Monitors;
using Sentinel.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Heartbeats;

/// For the heartbeat tests: a Gateway wired to stand-in owners (Scheduler, Telemetry-Ingest, Alert-Evaluation), and
/// a consumer of HeartbeatsPacked on its own queue in the test virtual host, so tests see exactly what the
/// Gateway published (the way the real consumers will).
[SetUpFixture]
public sealed class HeartbeatFixture
{
    public static FakeHeartbeatOwners Owners { get; private set; } = null!;
    public static WebApplicationFactory<Program> GatewayFactory { get; private set; } = null!;
    public static HttpClient ApiClient { get; private set; } = null!;
    public static IBusControl Observer { get; private set; } = null!;
    public static ConcurrentQueue<HeartbeatsReceived> Batches { get; } = new();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Owners = await FakeHeartbeatOwners.StartAsync();
        Observer = await StartObserverAsync(VirtualHost.Name, "gateway-tests-heartbeats", Batches);
        GatewayFactory = Configure(CreateFactory(Alerting.Url), Owners.Url);
        ApiClient = Client(GatewayFactory, BootstrapSecret);
        using var anonymous = GatewayFactory.CreateClient();
        await Poll.UntilAsync(() => anonymous.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the heartbeat GatewayFactory to be ready");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        ApiClient?.Dispose();
        if (GatewayFactory is not null)
            await GatewayFactory.DisposeAsync();
        if (Observer is not null)
            await Observer.StopAsync();
        if (Owners is not null)
            await Owners.DisposeAsync();
    }

    public static WebApplicationFactory<Program> Configure(WebApplicationFactory<Program> factory, string ownersUrl) =>
        factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Services:Scheduler", ownersUrl);
            b.UseSetting("Services:TelemetryIngest", ownersUrl);
            b.UseSetting("Services:AlertEvaluation", ownersUrl);
            b.UseSetting("Gateway:PublicUrl", "https://hc.example.test/");
            // Unknown keys are remembered for longer than any test waits, so a test passes by invalidation, not expiry.
            b.UseSetting("Heartbeats:NegativeCacheSeconds", "60");
        });

    public static async Task<IBusControl> StartObserverAsync(string virtualHost, string queue, ConcurrentQueue<HeartbeatsReceived> into)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, ushort.Parse(TestInfrastructure.RabbitPort), virtualHost, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            // What the Gateway publishes is HeartbeatsPacked; the tests read its pings unpacked, as every consumer does.
            cfg.ReceiveEndpoint(queue, e => e.Handler<HeartbeatsPacked>(context =>
            {
                into.Enqueue(new HeartbeatsReceived(context.Message.BatchId, context.Message.Unpack()));
                return Task.CompletedTask;
            }));
        });
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return bus;
    }

    /// Waits for the published ping of this monitor that matches (the batch is confirmed before the 200, but the
    /// observer's queue delivers it a moment later).
    public static async Task<HeartbeatPing> PublishedAsync(Guid monitorId, Func<HeartbeatPing, bool>? match = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var found = Batches.SelectMany(b => b.Pings).FirstOrDefault(p => p.MonitorId == monitorId && (match?.Invoke(p) ?? true));
            if (found is not null)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No matching ping of monitor {monitorId} was published within 20 s.");
            await Task.Delay(50);
        }
    }

    public static IEnumerable<HeartbeatPing> PingsOf(Guid monitorId) => Batches.SelectMany(b => b.Pings).Where(p => p.MonitorId == monitorId);

    public static async Task<MonitorResponse> CreateHeartbeatAsync(object? body = null, HttpClient? client = null)
    {
        var response = await (client ?? ApiClient).PostAsJsonAsync("/api/v1/monitors", body ?? new { name = "nightly backup", type = "heartbeat" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<MonitorResponse>())!;
    }

    public static string TokenOf(MonitorResponse monitor) => monitor.PingUrl!.Split('/').Last();
}
