using System.Net.Sockets;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks.Http;

/// One HTTP(S) request against a monitored URL. Every failure of the target becomes a down outcome with a short
/// reason; only the caller's cancellation (the consumer shutting down) escapes as an exception.
public sealed class HttpCheck(IHttpClientFactory clients, TimeProvider clock)
{
    public const string Type = "http";
    const int DefaultTimeoutSeconds = 10;

    public static string ClientName(bool followRedirects, bool ignoreTls) =>
        $"sentinel-check-{(followRedirects ? "follow" : "nofollow")}-{(ignoreTls ? "insecure" : "verify")}";

    public async Task<CheckOutcome> RunAsync(HttpCheckSpec spec, int timeoutSeconds, CancellationToken ct)
    {
        if (ExpectedStatus.Parse(spec.ExpectedStatus, out var invalidStatus) is not { } expected)
            return CheckOutcome.Down(invalidStatus!);
        if (!Uri.TryCreate(spec.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return CheckOutcome.Down($"invalid URL '{spec.Url}'");
        if (!IsToken(spec.Method))
            return CheckOutcome.Down($"invalid HTTP method '{spec.Method}'");

        using var request = BuildRequest(spec, url);
        var timeout = TimeSpan.FromSeconds(timeoutSeconds > 0 ? timeoutSeconds : DefaultTimeoutSeconds);
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var client = clients.CreateClient(ClientName(spec.FollowRedirects, spec.IgnoreTls));

        var started = clock.GetTimestamp();
        try
        {
            // Headers are the answer: the body is not read, so latency is time to response headers.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var latency = clock.GetElapsedTime(started).TotalMilliseconds;
            var status = (int)response.StatusCode;
            return expected.Matches(status)
                ? new CheckOutcome(true, status, latency, null)
                : CheckOutcome.Down($"HTTP {status} is not in {expected}", status, latency);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return CheckOutcome.Down(
                $"timed out after {timeout.TotalSeconds:0.###} s", latencyMs: clock.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (HttpRequestException ex)
        {
            return CheckOutcome.Down(Describe(ex), latencyMs: clock.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    static HttpRequestMessage BuildRequest(HttpCheckSpec spec, Uri url)
    {
        var request = new HttpRequestMessage(new HttpMethod(spec.Method.ToUpperInvariant()), url);
        if (spec.Body is not null)
            request.Content = new StringContent(spec.Body);

        foreach (var (name, value) in spec.Headers ?? new Dictionary<string, string>())
        {
            // Content-Type and friends belong to the content; without a body there is nowhere to put them.
            if (request.Headers.TryAddWithoutValidation(name, value) || request.Content is null)
                continue;
            request.Content.Headers.Remove(name);
            request.Content.Headers.TryAddWithoutValidation(name, value);
        }
        if (!request.Headers.Contains("User-Agent"))
            request.Headers.TryAddWithoutValidation("User-Agent", "Sentinel/1.0 (uptime check)");
        return request;
    }

    static bool IsToken(string? method) =>
        !string.IsNullOrEmpty(method) && method.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    static string Describe(HttpRequestException ex)
    {
        var socket = Innermost<SocketException>(ex);
        var reason = socket?.Message ?? Innermost<Exception>(ex)?.Message ?? ex.Message;
        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"DNS lookup failed: {reason}",
            HttpRequestError.ConnectionError => socket?.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.ConnectionReset => "connection reset",
                SocketError.HostUnreachable => "host unreachable",
                SocketError.NetworkUnreachable => "network unreachable",
                SocketError.TimedOut => "connect timed out",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"DNS lookup failed: {reason}",
                _ => $"connection failed: {reason}",
            },
            HttpRequestError.SecureConnectionError => $"TLS handshake failed: {reason}",
            HttpRequestError.ResponseEnded => "connection closed before a complete response",
            HttpRequestError.InvalidResponse => "invalid HTTP response",
            HttpRequestError.ProxyTunnelError => $"proxy tunnel failed: {reason}",
            _ => reason,
        };
    }

    static T? Innermost<T>(Exception ex) where T : Exception
    {
        T? found = null;
        for (var current = ex.InnerException; current is not null; current = current.InnerException)
            if (current is T match)
                found = match;
        return found;
    }
}
