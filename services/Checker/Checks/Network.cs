using System.Net.Sockets;

namespace Sentinel.Checker.Checks;

/// Short, human-readable reasons for socket failures, the same words for every check type.
static class Network
{
    public static string Describe(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.TimedOut => "connect timed out",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"DNS lookup failed: {ex.Message}",
        _ => $"connection failed: {ex.Message}",
    };

    public static TimeSpan Timeout(int timeoutSeconds) => TimeSpan.FromSeconds(timeoutSeconds > 0 ? timeoutSeconds : 10);

    public static string TimedOut(TimeSpan timeout) =>
        $"timed out after {timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s";
}
