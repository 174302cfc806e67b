using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Checks;
using Sentinel.Checker.Checks.Icmp;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks.Icmp;

/// Echo requests to 127.0.0.1 only (the tests run as root, so raw ICMP sockets are allowed).
public sealed class IcmpCheckTests
{
    ServiceProvider services = null!;

    [OneTimeSetUp]
    public void CreateServices() => services = CheckServices.Create();

    [OneTimeTearDown]
    public async Task DisposeServices() => await services.DisposeAsync();

    [Test]
    public async Task Loopback_answers_every_echo_with_no_packet_loss()
    {
        var outcome = await services.GetRequiredService<IcmpCheck>().RunAsync(new IcmpCheckSpec("127.0.0.1", 3), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.True, outcome.Error);
        Assert.That(outcome.Facts!.PacketLossPercent, Is.Zero);
        Assert.That(outcome.Facts.Connected, Is.True);
        Assert.That(outcome.Detail, Does.StartWith("3/3 replies from 127.0.0.1, 0% loss, rtt min/avg/max "));
    }

    [Test]
    public async Task Conditions_on_packet_loss_and_round_trip_time_are_evaluated()
    {
        var runner = services.GetRequiredService<CheckRunner>();
        var check = Checks.Due(IcmpCheck.Type, check: new CheckSpec(
            Conditions: ["[PACKET_LOSS] == 0", "[RESPONSE_TIME] < 1000", "[PACKET_LOSS] > 50"], Icmp: new IcmpCheckSpec("localhost", 2)));

        var outcome = await runner.RunAsync(check, CancellationToken.None);

        Assert.That(outcome.Up, Is.False, "the third condition cannot hold");
        Assert.That(outcome.Conditions!.Select(c => c.Success), Is.EqualTo(new[] { true, true, false }));
        Assert.That(outcome.Conditions![2].Actual, Is.EqualTo("0"));
        Assert.That(outcome.Error, Is.EqualTo("condition [PACKET_LOSS] > 50 failed (actual: 0)"));
    }

    [Test]
    public async Task A_blocked_target_is_down_without_sending_anything()
    {
        await using var blocking = CheckServices.Create(blockPrivateTargets: true);

        var outcome = await blocking.GetRequiredService<IcmpCheck>().RunAsync(new IcmpCheckSpec("127.0.0.1", 1), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Does.StartWith("target 127.0.0.1 is a loopback address; private targets are blocked"));
    }
}
