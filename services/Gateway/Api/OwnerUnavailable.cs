using System.Text.RegularExpressions;

namespace Sentinel.Gateway.Api;

/// An internal service the request needed refused the connection or did not answer in time. Derives from
/// HttpRequestException so code that already treats a failed call as "dependency down" keeps doing so.
public sealed class OwnerUnavailableException(string service, string reason, Exception inner)
    : HttpRequestException($"{service} {reason}", inner)
{
    /// Kebab-case name of the owner, e.g. "alert-evaluation".
    public string Service { get; } = service;
    public string Reason { get; } = reason;
}

/// Sits in every HttpClient the factory builds (ConfigureHttpClientDefaults), but acts only on calls to an address
/// configured under `Services:*`: those failures become OwnerUnavailableException naming the owner, so the problem the
/// client sees says which service is down. The timeout itself stays HttpClient.Timeout of each client.
public sealed partial class OwnerUnavailableHandler(IConfiguration configuration, IHttpContextAccessor http) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var service = OwnerOf(request.RequestUri);
        if (service is null)
            return await base.SendAsync(request, ct);
        try
        {
            return await base.SendAsync(request, ct);
        }
        catch (HttpRequestException ex) when (ex is not OwnerUnavailableException)
        {
            throw new OwnerUnavailableException(service, "refused or dropped the connection", ex);
        }
        catch (OperationCanceledException ex) when (http.HttpContext?.RequestAborted.IsCancellationRequested != true)
        {
            // The caller is still there, so it was the client's timeout that cancelled: the owner hangs.
            throw new OwnerUnavailableException(service, "did not answer in time", ex);
        }
    }

    string? OwnerOf(Uri? uri)
    {
        if (uri is null)
            return null;
        foreach (var entry in configuration.GetSection("Services").GetChildren())
            if (Uri.TryCreate(entry.Value, UriKind.Absolute, out var owner)
                && string.Equals(owner.Authority, uri.Authority, StringComparison.OrdinalIgnoreCase))
                return Kebab().Replace(entry.Key, "$1-$2").ToLowerInvariant();
        return null;
    }

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex Kebab();
}
