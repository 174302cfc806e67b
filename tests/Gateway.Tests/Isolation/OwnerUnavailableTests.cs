using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Isolation;

/// Every read the Gateway passes to an owning service answers a 503 problem naming that service when the owner
/// refuses connections (a closed loopback port) or hangs (a loopback listener that accepts and never answers) —
/// within the configured timeout, never a hang or a 500.
public sealed class OwnerUnavailableTests
{
    const int TimeoutSeconds = 1;
    readonly List<TcpListener> silent = [];
    WebApplicationFactory<Program> refused = null!;
    WebApplicationFactory<Program> hanging = null!;
    Guid monitorId;
    Guid sloId;

    [OneTimeSetUp]
    public async Task StartGatewaysWhoseOwnersAreDown()
    {
        // One address per owner, so the problem can (and must) say which one is down.
        refused = WithOwnersAt(DeadUrl, DeadUrl, DeadUrl);
        hanging = WithOwnersAt(SilentUrl, SilentUrl, SilentUrl);
        using var api = Client(BootstrapSecret);
        monitorId = (await Monitors.MonitorEndpointsTests.CreateAsync(api)).Id;
        sloId = (await Slos.SloEndpointsTests.CreateAsync(api, new { name = "owner down", monitorId, objectivePercent = 99.9 })).GetProperty("id").GetGuid();
    }

    /// Accepted by the kernel's backlog and never read: the request goes out, no answer comes back.
    string SilentUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(100);
        silent.Add(listener);
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }

    static WebApplicationFactory<Program> WithOwnersAt(Func<string> alerting, Func<string> delivery, Func<string> telemetry) =>
        Factory.WithWebHostBuilder(b =>
    {
        b.UseSetting("Services:AlertEvaluation", alerting());
        b.UseSetting("Services:Delivery", delivery());
        b.UseSetting("Services:TelemetryIngest", telemetry());
        b.UseSetting("Services:TimeoutSeconds", TimeoutSeconds.ToString());
    });

    [OneTimeTearDown]
    public async Task StopThem()
    {
        await refused.DisposeAsync();
        await hanging.DisposeAsync();
        foreach (var listener in silent)
        {
            listener.Stop();
            listener.Dispose();
        }
    }

    static IEnumerable<TestCaseData> Reads()
    {
        yield return new TestCaseData("alert-evaluation", "/api/v1/incidents");
        yield return new TestCaseData("alert-evaluation", "/api/v1/incidents/{random}");
        yield return new TestCaseData("alert-evaluation", "/api/v1/monitors/{monitor}/incidents");
        yield return new TestCaseData("alert-evaluation", "/api/v1/alerts");
        yield return new TestCaseData("delivery", "/api/v1/deliveries");
        yield return new TestCaseData("telemetry-ingest", "/api/v1/monitors/{monitor}/results");
        yield return new TestCaseData("telemetry-ingest", "/api/v1/monitors/{monitor}/stats");
        yield return new TestCaseData("telemetry-ingest", "/api/v1/slos/{slo}");
    }

    [TestCaseSource(nameof(Reads))]
    public async Task A_refused_connection_is_a_503_problem_naming_the_owner(string owner, string path) =>
        await ExpectUnavailableAsync(refused, owner, path, TimeSpan.FromSeconds(TimeoutSeconds));

    [TestCaseSource(nameof(Reads))]
    public async Task An_owner_that_never_answers_is_a_503_problem_within_the_timeout(string owner, string path) =>
        await ExpectUnavailableAsync(hanging, owner, path, TimeSpan.FromSeconds(TimeoutSeconds));

    async Task ExpectUnavailableAsync(WebApplicationFactory<Program> gateway, string owner, string path, TimeSpan timeout)
    {
        using var client = Client(gateway, BootstrapSecret);
        client.Timeout = TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        var response = await client.GetAsync(path.Replace("{monitor}", monitorId.ToString()).Replace("{slo}", sloId.ToString()).Replace("{random}", Guid.CreateVersion7().ToString()));
        clock.Stop();

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "https://sentinel.dev/problems/dependency-unavailable");
        Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo($"{owner} unavailable"));
        Assert.That(problem.GetProperty("service").GetString(), Is.EqualTo(owner));
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        // The timeout plus slack for a busy test machine; a hang would take the client's 30 s.
        Assert.That(clock.Elapsed, Is.LessThan(timeout + TimeSpan.FromSeconds(4)));
    }
}
