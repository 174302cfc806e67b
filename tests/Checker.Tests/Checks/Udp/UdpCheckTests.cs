using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Checks.Udp;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks.Udp;

public sealed class UdpCheckTests
{
    ServiceProvider services = null!;
    UdpCheck check = null!;
    UdpClient echo = null!;
    UdpClient silent = null!;
    CancellationTokenSource stop = null!;

    [OneTimeSetUp]
    public void Start()
    {
        services = CheckServices.Create();
        check = services.GetRequiredService<UdpCheck>();
        stop = new CancellationTokenSource();
        echo = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)); // bound, never answers
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var datagram = await echo.ReceiveAsync(stop.Token);
                await echo.SendAsync(Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(datagram.Buffer)), datagram.RemoteEndPoint, stop.Token);
            }
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await stop.CancelAsync();
        echo.Dispose();
        silent.Dispose();
        stop.Dispose();
        await services.DisposeAsync();
    }

    static int Port(UdpClient client) => ((IPEndPoint)client.Client.LocalEndPoint!).Port;

    [Test]
    public async Task A_reply_is_up()
    {
        var outcome = await check.RunAsync(new UdpCheckSpec("127.0.0.1", Port(echo), "hello"), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.True, outcome.Error);
        Assert.That(outcome.Facts!.Body, Is.EqualTo("echo:hello"));
        Assert.That(outcome.Facts.Connected, Is.True);
    }

    [Test]
    public async Task A_reply_matching_the_expected_pattern_is_up_and_one_that_does_not_is_down()
    {
        var up = await check.RunAsync(new UdpCheckSpec("127.0.0.1", Port(echo), "ping", "^echo:p"), 5, CancellationToken.None);
        var down = await check.RunAsync(new UdpCheckSpec("127.0.0.1", Port(echo), "ping", "^pong$"), 1, CancellationToken.None);

        Assert.That(up.Up, Is.True, up.Error);
        Assert.That(down.Up, Is.False);
        Assert.That(down.Error, Is.EqualTo("no reply matching /^pong$/ within 1 s (last: 'echo:ping')"));
    }

    [Test]
    public async Task No_reply_within_the_timeout_is_down()
    {
        var outcome = await check.RunAsync(new UdpCheckSpec("127.0.0.1", Port(silent), "hello"), 1, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Is.EqualTo("no reply within 1 s"));
        Assert.That(outcome.Facts!.Connected, Is.False);
    }

    [Test]
    public async Task A_closed_port_is_down_as_port_unreachable()
    {
        int closed;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
            closed = Port(probe);

        var outcome = await check.RunAsync(new UdpCheckSpec("127.0.0.1", closed, "hello"), 2, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Is.EqualTo("port unreachable (connection refused)"));
    }
}
