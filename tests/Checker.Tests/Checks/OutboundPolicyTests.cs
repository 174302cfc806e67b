using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Checks;
using Sentinel.Checker.Checks.Http;
using Sentinel.Checker.Checks.Tcp;
using Sentinel.Checker.Tests.Checks.Http;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks;

public sealed class OutboundPolicyTests
{
    [TestCase("127.0.0.1", "loopback")]
    [TestCase("127.9.9.9", "loopback")]
    [TestCase("::1", "loopback")]
    [TestCase("10.0.0.1", "private")]
    [TestCase("172.16.0.1", "private")]
    [TestCase("172.31.255.255", "private")]
    [TestCase("192.168.1.1", "private")]
    [TestCase("169.254.169.254", "link-local")]
    [TestCase("100.64.0.1", "shared (carrier-grade NAT)")]
    [TestCase("0.0.0.0", "unspecified")]
    [TestCase("224.0.0.1", "multicast")]
    [TestCase("fe80::1", "link-local")]
    [TestCase("fd12:3456::1", "private")]
    [TestCase("::ffff:10.0.0.1", "private")]
    [TestCase("172.32.0.1", null)]
    [TestCase("8.8.8.8", null)]
    [TestCase("2001:4860:4860::8888", null)]
    public void Addresses_are_classified_into_non_public_ranges(string address, string? range) =>
        Assert.That(OutboundPolicy.Classify(IPAddress.Parse(address)), Is.EqualTo(range));

    [Test]
    public async Task With_blocking_on_an_http_check_to_a_name_resolving_to_loopback_is_down_and_never_reaches_the_target()
    {
        await using var target = await TargetServer.StartAsync();
        await using var blocking = CheckServices.Create(blockPrivateTargets: true);
        await using var open = CheckServices.Create(blockPrivateTargets: false);
        var spec = new HttpCheckSpec($"http://localhost:{target.Address.Port}/echo", "GET",
            new Dictionary<string, string> { ["X-Probe"] = "blocked" }, null, [], true, false);

        var blocked = await blocking.GetRequiredService<HttpCheck>().RunAsync(spec, 5, CancellationToken.None);
        var allowed = await open.GetRequiredService<HttpCheck>().RunAsync(spec with { Headers = new Dictionary<string, string>() }, 5, CancellationToken.None);

        Assert.That(blocked.Up, Is.False);
        Assert.That(blocked.Error, Does.Match("^target (127\\.0\\.0\\.1|::1) is a loopback address; private targets are blocked on this Checker"));
        Assert.That(target.Seen.Any(s => s.Probe == "blocked"), Is.False, "the request never left");
        Assert.That(allowed.Up, Is.True, allowed.Error);
    }

    [Test]
    public async Task With_blocking_on_a_redirect_to_loopback_is_refused_too()
    {
        await using var target = await TargetServer.StartAsync();
        await using var blocking = CheckServices.Create(blockPrivateTargets: true);
        var spec = new HttpCheckSpec(target.Url("/redirect").ToString(), "GET", new Dictionary<string, string>(), null, [], true, false);

        var outcome = await blocking.GetRequiredService<HttpCheck>().RunAsync(spec, 5, CancellationToken.None);

        Assert.That(outcome.Error, Does.StartWith("target 127.0.0.1 is a loopback address"));
    }

    [Test]
    public async Task With_blocking_on_a_tcp_check_to_loopback_is_down_and_off_it_connects()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var spec = new TcpCheckSpec("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);
        await using var blocking = CheckServices.Create(blockPrivateTargets: true);
        await using var open = CheckServices.Create(blockPrivateTargets: false);

        var blocked = await blocking.GetRequiredService<TcpCheck>().RunAsync(spec, 5, CancellationToken.None);
        var allowed = await open.GetRequiredService<TcpCheck>().RunAsync(spec, 5, CancellationToken.None);

        Assert.That(blocked.Error, Does.StartWith("target 127.0.0.1 is a loopback address"));
        Assert.That(blocked.Facts!.Connected, Is.False);
        Assert.That(allowed.Up, Is.True, allowed.Error);
    }
}
