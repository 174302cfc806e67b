using System.Net.Sockets;

namespace Sentinel.Checker.Canaries;

/// One probe of one canary. Canaries are chosen by the operator (a well-known site, a gateway, the next hop), so they
/// bypass the outbound policy that guards user targets.
public sealed class CanaryProbe(IHttpClientFactory clients)
{
    public const string ClientName = "sentinel-canary";

    /// Null when the canary answered; else why not.
    public async Task<string?> ProbeAsync(string canary, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            if (Uri.TryCreate(canary, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            {
                using var response = await clients.CreateClient(ClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                return (int)response.StatusCode < 500 ? null : $"{canary} answered HTTP {(int)response.StatusCode}";
            }
            var (host, port) = ParseTcp(canary);
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(host, port, deadline.Token);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"{canary} did not answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or FormatException)
        {
            return $"{canary}: {ex.Message}";
        }
    }

    /// `host:port` or `tcp://host:port`.
    public static (string Host, int Port) ParseTcp(string canary)
    {
        var text = canary.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) ? canary[6..] : canary;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new FormatException($"canary '{canary}' is neither an http(s) URL nor host:port");
        return (text[..colon].Trim('[', ']'), port);
    }
}
