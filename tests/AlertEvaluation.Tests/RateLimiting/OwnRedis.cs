using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sentinel.Testing;

namespace Sentinel.AlertEvaluation.Tests.RateLimiting;

/// A redis-server this test starts on a port of its own (no persistence), so it can stop and restart it without
/// touching the shared Redis other tests and helpers use.
public sealed class OwnRedis : IDisposable
{
    Process? process;

    public int Port { get; } = FreePort();
    public string Configuration => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        process = Process.Start(new ProcessStartInfo("redis-server", ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public void Stop()
    {
        if (process is null)
            return;
        process.Kill();
        process.WaitForExit();
        process.Dispose();
        process = null;
    }

    public void Dispose() => Stop();

    static int FreePort() => FreePorts.Next();
}
