using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Canaries;
using Sentinel.Checker.Checks;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Canaries;

public sealed class CanaryTests
{
    static ServiceProvider Services(string? location) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Checker:Location"] = location })
                .Build())
            .AddSingleton(TimeProvider.System)
            .AddChecks()
            .AddSingleton<CanaryProbe>()
            .BuildServiceProvider();

    static DueCheck TcpCheck(int port, Guid? round = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "tcp", DateTimeOffset.UtcNow, 2, null,
            new CheckSpec(null, Tcp: new TcpCheckSpec("127.0.0.1", port, null, null)), Location: "eu-west", RoundId: round);

    [Test]
    public async Task Results_carry_the_checkers_location_and_the_round()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var services = Services("eu-west");
        var round = Guid.NewGuid();

        var result = await services.GetRequiredService<CheckRunner>()
            .RunMeasuredAsync(TcpCheck(((IPEndPoint)listener.LocalEndpoint).Port, round), TimeProvider.System, CancellationToken.None);

        Assert.That(result.Up, Is.True, result.Error);
        Assert.That(result.Unknown, Is.False);
        Assert.That(result.Location, Is.EqualTo("eu-west"));
        Assert.That(result.RoundId, Is.EqualTo(round));
    }

    [Test]
    public async Task While_the_canaries_fail_a_check_is_not_run_and_its_result_is_unknown_with_the_reason()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var services = Services("eu-west");
        services.GetRequiredService<CheckerHealth>().Set(false, "canaries unreachable: tcp://127.0.0.1:9: Connection refused");

        var result = await services.GetRequiredService<CheckRunner>()
            .RunMeasuredAsync(TcpCheck(((IPEndPoint)listener.LocalEndpoint).Port), TimeProvider.System, CancellationToken.None);

        Assert.That(result.Unknown, Is.True);
        Assert.That(result.Up, Is.False);
        Assert.That(result.Error, Does.StartWith("unknown: canaries unreachable"));
        Assert.That(result.Location, Is.EqualTo("eu-west"));
        Assert.That(listener.Pending(), Is.False, "the target was not contacted");
    }

    [Test]
    public async Task A_canary_probe_passes_on_an_open_port_and_says_why_on_a_closed_one()
    {
        await using var services = Services(null);
        var probe = services.GetRequiredService<CanaryProbe>();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.That(await probe.ProbeAsync($"tcp://127.0.0.1:{port}", TimeSpan.FromSeconds(2), CancellationToken.None), Is.Null);
        Assert.That(await probe.ProbeAsync($"127.0.0.1:{port}", TimeSpan.FromSeconds(2), CancellationToken.None), Is.Null);
        listener.Stop();
        Assert.That(await probe.ProbeAsync($"tcp://127.0.0.1:{port}", TimeSpan.FromSeconds(2), CancellationToken.None), Does.Contain($"127.0.0.1:{port}"));
        Assert.That(await probe.ProbeAsync($"http://127.0.0.1:{port}/", TimeSpan.FromSeconds(2), CancellationToken.None), Is.Not.Null);
        Assert.That(await probe.ProbeAsync("nonsense", TimeSpan.FromSeconds(2), CancellationToken.None), Does.Contain("neither"));
    }

    [Test]
    public void An_invalid_location_name_stops_the_checker_from_starting()
    {
        using var services = Services("EU West");
        Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<CheckRunner>());
    }
}
