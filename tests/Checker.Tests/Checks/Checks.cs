using System.Net;
using System.Net.Sockets;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks;

/// Due checks as the Scheduler would send them.
public static class Checks
{
    public static DueCheck Due(string type, HttpCheckSpec? http = null, CheckSpec? check = null, int timeoutSeconds = 5)
    {
        var monitorId = Guid.NewGuid();
        var dueAt = DateTimeOffset.UtcNow;
        return new DueCheck(DeterministicGuid.ForCheck(monitorId, dueAt), monitorId, Guid.NewGuid(), type, dueAt, timeoutSeconds, http, check);
    }
}

public static class Ports
{
    /// A loopback TCP port nothing listens on: connecting is refused at once.
    public static int Closed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
