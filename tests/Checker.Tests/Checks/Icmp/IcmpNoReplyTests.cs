using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Checks;
using Sentinel.Checker.Checks.Icmp;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks.Icmp;

/// "No reply" without any address but loopback: the real IcmpCheck pings 127.0.0.1 from inside a network namespace
/// the test made, whose kernel is told to ignore echo requests (a per-namespace sysctl; the host still answers).
/// Every test first shows that the same check, in the same namespace, is up while echo is answered — so a down
/// result can only come from the ignored echoes, not from a namespace the check never entered.
public sealed class IcmpNoReplyTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    ServiceProvider services = null!;
    NetworkNamespace? network;

    [OneTimeSetUp]
    public void CreateServices() => services = CheckServices.Create();

    [OneTimeTearDown]
    public async Task DisposeServices() => await services.DisposeAsync();

    [SetUp]
    public void CreateNamespace() => network = NetworkNamespace.Create();

    [TearDown]
    public void DeleteNamespace()
    {
        network?.Dispose();
        network = null;
    }

    [Test]
    public void Loopback_that_ignores_echo_requests_is_down_with_full_packet_loss()
    {
        var check = services.GetRequiredService<IcmpCheck>();
        var spec = new IcmpCheckSpec("127.0.0.1", 3);

        var answered = network!.Run(() => check.RunAsync(spec, 1, CancellationToken.None), Deadline);
        Assert.That(answered.Up, Is.True, $"control: the namespace's own loopback should answer first ({answered.Error})");
        Assert.That(answered.Facts!.PacketLossPercent, Is.Zero);

        network.IgnoreEchoRequests(true);
        var ignored = network.Run(() => check.RunAsync(spec, 1, CancellationToken.None), Deadline);

        Assert.That(ignored.Up, Is.False);
        Assert.That(ignored.Facts!.PacketLossPercent, Is.EqualTo(100));
        Assert.That(ignored.Facts.Connected, Is.False);
        Assert.That(ignored.Facts.Ip, Is.EqualTo("127.0.0.1"));
        Assert.That(ignored.Error, Is.EqualTo("no reply to 3 echo requests to 127.0.0.1 (100% packet loss, last status TimedOut)"));
    }

    [Test]
    public void Packet_loss_condition_reports_100_when_no_echo_is_answered()
    {
        var runner = services.GetRequiredService<CheckRunner>();
        DueCheck Due() => Checks.Due(IcmpCheck.Type, timeoutSeconds: 1, check: new CheckSpec(
            Conditions: ["[PACKET_LOSS] < 20", "[PACKET_LOSS] == 100"], Icmp: new IcmpCheckSpec("127.0.0.1", 2)));

        var answered = network!.Run(() => runner.RunAsync(Due(), CancellationToken.None), Deadline);
        Assert.That(answered.Conditions!.Select(c => c.Actual), Is.EqualTo(new[] { "0", "0" }),
            "control: the namespace's own loopback should answer first");

        network.IgnoreEchoRequests(true);
        var ignored = network.Run(() => runner.RunAsync(Due(), CancellationToken.None), Deadline);

        Assert.That(ignored.Up, Is.False);
        Assert.That(ignored.Conditions!.Select(c => (c.Success, c.Actual)), Is.EqualTo(new[] { (false, "100"), (true, "100") }));
        Assert.That(ignored.Error, Does.StartWith("no reply to 2 echo requests to 127.0.0.1 (100% packet loss"),
            "the check's own reason comes before any failed condition");
    }
}
