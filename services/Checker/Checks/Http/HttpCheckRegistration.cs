using System.Net;
using System.Net.Sockets;

namespace Sentinel.Checker.Checks.Http;

public static class HttpCheckRegistration
{
    /// One pooled client per (followRedirects, ignoreTls) pair: both are handler settings, so they cannot vary per
    /// request on a shared handler.
    public static IServiceCollection AddHttpChecks(this IServiceCollection services)
    {
        foreach (var followRedirects in new[] { true, false })
        foreach (var ignoreTls in new[] { true, false })
        {
            services.AddHttpClient(HttpCheck.ClientName(followRedirects, ignoreTls), client =>
                {
                    // The per-check timeout is a linked token; the client's own timeout would only cap it.
                    client.Timeout = Timeout.InfiniteTimeSpan;
                })
                .ConfigurePrimaryHttpMessageHandler(sp =>
                    CreateHandler(followRedirects, ignoreTls, sp.GetRequiredService<OutboundPolicy>()))
                // The handler recycles its own connections (PooledConnectionLifetime), so the factory need not.
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
                // Thousands of checks a second: per-request logging would drown everything else.
                .RemoveAllLoggers();
        }
        services.AddSingleton<OutboundPolicy>();
        services.AddSingleton<Tls.TlsCheck>();
        services.AddSingleton<HttpCheck>();
        return services;
    }

    static SocketsHttpHandler CreateHandler(bool followRedirects, bool ignoreTls, OutboundPolicy policy)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = followRedirects,
            MaxAutomaticRedirections = 10,
            // Checks of different tenants share the pool: never carry cookies from one check to another.
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            // Re-resolve DNS now and then so a moved target is followed.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        };
        // Resolving here, not in the handler, lets the outbound policy judge the very addresses we connect to (also
        // after a redirect), so a name that resolves to a private address cannot slip through.
        handler.ConnectCallback = async (context, ct) =>
        {
            var addresses = await policy.ResolveAsync(context.DnsEndPoint.Host, ct);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        if (ignoreTls)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return handler;
    }
}
