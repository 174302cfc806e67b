using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Checks.Tcp;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks.Tcp;

public sealed class TcpCheckTests
{
    ServiceProvider services = null!;
    TcpCheck check = null!;
    TcpListener server = null!;
    CancellationTokenSource stop = null!;
    int port;

    /// A line server on loopback: greets with "220 ready", answers "PING" with "PONG", and says nothing else.
    [OneTimeSetUp]
    public void Start()
    {
        services = CheckServices.Create();
        check = services.GetRequiredService<TcpCheck>();
        server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        port = ((IPEndPoint)server.LocalEndpoint).Port;
        stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await server.AcceptTcpClientAsync(stop.Token);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        await stream.WriteAsync("220 ready\r\n"u8.ToArray());
                        var buffer = new byte[1024];
                        int read;
                        try
                        {
                            while ((read = await stream.ReadAsync(buffer, stop.Token)) > 0)
                                if (Encoding.UTF8.GetString(buffer, 0, read).Contains("PING"))
                                    await stream.WriteAsync("PONG\r\n"u8.ToArray(), stop.Token);
                        }
                        catch (Exception e) when (e is IOException or OperationCanceledException)
                        {
                            // the check hung up or the test run ends
                        }
                    }
                });
            }
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await stop.CancelAsync();
        server.Dispose();
        stop.Dispose();
        await services.DisposeAsync();
    }

    [Test]
    public async Task An_open_port_is_up_and_connected()
    {
        var outcome = await check.RunAsync(new TcpCheckSpec("127.0.0.1", port), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.True, outcome.Error);
        Assert.That(outcome.Facts!.Connected, Is.True);
        Assert.That(outcome.Facts.Ip, Is.EqualTo("127.0.0.1"));
        Assert.That(outcome.Detail, Is.EqualTo($"connected to 127.0.0.1:{port}"));
    }

    [Test]
    public async Task A_payload_is_sent_and_the_expected_reply_read_back()
    {
        var outcome = await check.RunAsync(new TcpCheckSpec("localhost", port, "PING\r\n", "PONG"), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.True, outcome.Error);
        Assert.That(outcome.Facts!.Body, Does.Contain("PONG"));
    }

    [Test]
    public async Task A_reply_that_never_matches_is_down_after_the_timeout_and_shows_what_came()
    {
        var outcome = await check.RunAsync(new TcpCheckSpec("127.0.0.1", port, null, "^SSH-"), 1, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Does.StartWith("no reply matching /^SSH-/ within 1 s (got '220 ready"));
        Assert.That(outcome.Facts!.Connected, Is.True);
    }

    [Test]
    public async Task A_closed_port_is_down_as_connection_refused()
    {
        var outcome = await check.RunAsync(new TcpCheckSpec("127.0.0.1", Ports.Closed()), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Is.EqualTo("connection refused"));
        Assert.That(outcome.Facts!.Connected, Is.False);
    }
}
