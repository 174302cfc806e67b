using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Sentinel.Checker.Tests.Checks.Tls;

/// A TLS listener on a loopback port that completes the handshake with one certificate and hangs up.
public sealed class TlsServer : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stop = new();
    readonly Task accepting;

    public TlsServer(X509Certificate2 certificate)
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    using (client)
                    await using (var ssl = new SslStream(client.GetStream()))
                    {
                        try
                        {
                            await ssl.AuthenticateAsServerAsync(certificate);
                            _ = await ssl.ReadAsync(new byte[1]); // until the client hangs up
                        }
                        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                        {
                            // A client that rejects the certificate hangs up mid-handshake: expected in these tests.
                        }
                    }
                });
            }
        });
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}
