using System.Net;
using System.Net.Sockets;

namespace Sentinel.Testing;

/// Ports for servers a test starts as separate processes (services, redis-server, a browser's target). Not the
/// kernel's pick (port 0): that comes from the ephemeral range, and between releasing the port and the process binding
/// it any outgoing connection on the box (a service's to RabbitMQ or PostgreSQL) may take it as its local port, which
/// failed a Gateway's start with "address already in use". These come from below the ephemeral range
/// (net.ipv4.ip_local_port_range starts at 32768), from a random start per test process so parallel test assemblies
/// rarely meet, never twice within one process, and each is checked free by binding it.
public static class FreePorts
{
    const int First = 20_000;
    const int Last = 32_000;
    static readonly Lock Gate = new();
    static int next = First + Random.Shared.Next(Last - First);

    public static int Next()
    {
        lock (Gate)
        {
            for (var tries = 0; tries < Last - First; tries++)
            {
                var port = next;
                next = next >= Last ? First : next + 1;
                if (IsFree(port))
                    return port;
            }
        }
        throw new InvalidOperationException($"No free loopback port between {First} and {Last}.");
    }

    static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
