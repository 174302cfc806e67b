using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Sentinel.Checker.Checks.Tls;
using Sentinel.Conditions;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks.Http;

/// One HTTP(S) request against a monitored URL. Every failure of the target becomes a down outcome with a short
/// reason; only the caller's cancellation (the consumer shutting down) escapes as an exception.
public sealed class HttpCheck(
    IHttpClientFactory clients, TlsCheck tls, OutboundPolicy policy, TimeProvider clock, Locations.CheckerIdentity? identity = null)
{
    public const string Type = "http";
    /// How much of a body is read when something needs it (a keyword, [BODY] conditions) and no cap is set.
    public const int DefaultMaxResponseBytes = 1_048_576;

    public static string ClientName(bool followRedirects, bool ignoreTls) =>
        $"sentinel-check-{(followRedirects ? "follow" : "nofollow")}-{(ignoreTls ? "insecure" : "verify")}";

    public Task<CheckOutcome> RunAsync(HttpCheckSpec spec, int timeoutSeconds, CancellationToken ct) =>
        RunAsync(spec, null, new HashSet<Placeholder>(), timeoutSeconds, ct);

    /// wanted: the placeholders the monitor's conditions use, so the body, the certificate or the address are only
    /// fetched when someone asks for them.
    public async Task<CheckOutcome> RunAsync(
        HttpCheckSpec spec, HttpCheckOptions? options, IReadOnlySet<Placeholder> wanted, int timeoutSeconds, CancellationToken ct)
    {
        if (ExpectedStatus.Parse(spec.ExpectedStatus, out var invalidStatus) is not { } expected)
            return CheckOutcome.Down(invalidStatus!);
        if (!Uri.TryCreate(spec.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return CheckOutcome.Down($"invalid URL '{spec.Url}'");
        if (!IsToken(spec.Method))
            return CheckOutcome.Down($"invalid HTTP method '{spec.Method}'");

        using var request = BuildRequest(spec, options, url);
        var timeout = Network.Timeout(timeoutSeconds);
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var client = clients.CreateClient(ClientName(spec.FollowRedirects, spec.IgnoreTls));
        var readBody = options is { Keyword: not null } or { MaxResponseBytes: not null } || wanted.Contains(Placeholder.Body);
        var cap = options?.MaxResponseBytes ?? DefaultMaxResponseBytes;

        var started = clock.GetTimestamp();
        double Elapsed() => clock.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            // Latency is time to response headers; the body is read only when something needs it.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var latency = Elapsed();
            var status = (int)response.StatusCode;
            var body = readBody ? await ReadCappedAsync(response.Content, cap, linked.Token) : null;
            var facts = new CheckFacts(
                Status: status,
                ResponseTimeMs: latency,
                Body: body?.Text,
                Headers: Headers(response),
                Connected: true,
                Ip: wanted.Contains(Placeholder.Ip) ? await FirstAddressAsync(url.IdnHost, linked.Token) : null,
                CertificateExpirationMs: wanted.Contains(Placeholder.CertificateExpiration) && url.Scheme == "https"
                    ? await tls.TimeToExpiryAsync(url.IdnHost, url.Port, linked.Token) is { } left ? left.TotalMilliseconds : null
                    : null);

            if (!expected.Matches(status))
                return CheckOutcome.Down($"HTTP {status} is not in {expected}", status, latency, facts);
            if (body is { Truncated: true })
                return CheckOutcome.Down($"the response body is larger than {cap} bytes", status, latency, facts);
            if (options?.Keyword is { } keyword && body!.Text.Contains(keyword, StringComparison.Ordinal) == options.InvertKeyword)
                return CheckOutcome.Down(
                    options.InvertKeyword ? $"keyword '{keyword}' found in the body" : $"keyword '{keyword}' not found in the body",
                    status, latency, facts);
            return new CheckOutcome(true, status, latency, null, facts);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return CheckOutcome.Down(Network.TimedOut(timeout), latencyMs: Elapsed(),
                facts: new CheckFacts(ResponseTimeMs: Elapsed(), Connected: false));
        }
        catch (HttpRequestException ex)
        {
            return CheckOutcome.Down(Describe(ex), latencyMs: Elapsed(), facts: new CheckFacts(ResponseTimeMs: Elapsed(), Connected: false));
        }
        catch (BlockedTargetException ex)
        {
            return CheckOutcome.Down(ex.Message, facts: new CheckFacts(Connected: false));
        }
    }

    HttpRequestMessage BuildRequest(HttpCheckSpec spec, HttpCheckOptions? options, Uri url)
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
        // An Authorization header given explicitly wins over the auth settings.
        if (request.Headers.Authorization is null)
        {
            if (options?.BearerToken is { Length: > 0 } token)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            else if (options?.BasicAuthUsername is { } user)
                request.Headers.Authorization = new AuthenticationHeaderValue(
                    "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{options.BasicAuthPassword}")));
        }
        if (!request.Headers.Contains("User-Agent"))
            // The location lets a target (and its logs) tell the checks of one location from another's.
            request.Headers.TryAddWithoutValidation("User-Agent", identity?.Location is { } location
                ? $"Sentinel/1.0 (uptime check; location {location})"
                : "Sentinel/1.0 (uptime check)");
        return request;
    }

    sealed record Body(string Text, bool Truncated);

    /// Reads at most cap bytes (one more to know whether there was more): a huge or endless body cannot exhaust memory.
    static async Task<Body> ReadCappedAsync(HttpContent content, int cap, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[Math.Min(cap + 1, 81_920)];
        using var kept = new MemoryStream();
        int read;
        while (kept.Length <= cap && (read = await stream.ReadAsync(buffer, ct)) > 0)
            kept.Write(buffer, 0, read);
        var truncated = kept.Length > cap;
        var bytes = kept.GetBuffer().AsSpan(0, (int)Math.Min(kept.Length, cap));
        return new Body(Encoding.UTF8.GetString(bytes), truncated);
    }

    static Dictionary<string, string> Headers(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            headers[name] = string.Join(", ", values);
        return headers;
    }

    async Task<string?> FirstAddressAsync(string host, CancellationToken ct)
    {
        try
        {
            return (await policy.ResolveAsync(host, ct))[0].ToString();
        }
        catch (SocketException)
        {
            return null;
        }
    }

    static bool IsToken(string? method) =>
        !string.IsNullOrEmpty(method) && method.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    static string Describe(HttpRequestException ex)
    {
        if (Innermost<BlockedTargetException>(ex) is { } blocked)
            return blocked.Message;
        var socket = Innermost<SocketException>(ex);
        var reason = socket?.Message ?? Innermost<Exception>(ex)?.Message ?? ex.Message;
        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"DNS lookup failed: {reason}",
            HttpRequestError.ConnectionError when socket is not null => Network.Describe(socket),
            HttpRequestError.ConnectionError => $"connection failed: {reason}",
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
