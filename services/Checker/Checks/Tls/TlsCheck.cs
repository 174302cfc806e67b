using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Sentinel.Conditions;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks.Tls;

/// A TLS handshake to host:port with SNI: the certificate must be valid for the name, chain to a trusted root
/// (unless IgnoreTls) and not expire within the warning window. Expiry is judged on the injected clock.
public sealed class TlsCheck(OutboundPolicy policy, TimeProvider clock)
{
    public const string Type = "tls";

    sealed record Handshake(X509Certificate2 Certificate, SslPolicyErrors Errors, X509ChainStatusFlags ChainStatus, string Ip, double Ms);

    public async Task<CheckOutcome> RunAsync(TlsCheckSpec spec, int timeoutSeconds, CancellationToken ct)
    {
        var timeout = Network.Timeout(timeoutSeconds);
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var serverName = string.IsNullOrWhiteSpace(spec.ServerName) ? spec.Host : spec.ServerName;
        try
        {
            var handshake = await HandshakeAsync(spec.Host, spec.Port, serverName, linked.Token);
            using var certificate = handshake.Certificate;
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            var left = notAfter - clock.GetUtcNow();
            var facts = new CheckFacts(
                ResponseTimeMs: handshake.Ms, CertificateExpirationMs: Math.Max(0, left.TotalMilliseconds), Connected: true, Ip: handshake.Ip);
            var detail = $"{certificate.Subject}, issued by {certificate.Issuer}, expires {notAfter:yyyy-MM-dd HH:mm} UTC";
            var days = left.TotalDays.ToString("0.#", CultureInfo.InvariantCulture);

            string? error = null;
            if (left <= TimeSpan.Zero)
                error = $"certificate expired on {notAfter:yyyy-MM-dd HH:mm} UTC";
            else if (left < TimeSpan.FromDays(spec.CertificateExpiryWarningDays))
                error = $"certificate expires in {days} days ({notAfter:yyyy-MM-dd HH:mm} UTC), within the {spec.CertificateExpiryWarningDays}-day warning";
            else if (!spec.IgnoreTls && handshake.Errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                error = $"certificate is not valid for '{serverName}' (subject {certificate.Subject})";
            else if (!spec.IgnoreTls && handshake.Errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
                error = $"certificate chain is not trusted: {handshake.ChainStatus}";
            else if (!spec.IgnoreTls && handshake.Errors != SslPolicyErrors.None)
                error = $"certificate rejected: {handshake.Errors}";

            return new CheckOutcome(error is null, null, handshake.Ms, error, facts, $"{detail} ({days} days left)");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return CheckOutcome.Down(Network.TimedOut(timeout), facts: new CheckFacts(Connected: false));
        }
        catch (SocketException ex)
        {
            return CheckOutcome.Down(Network.Describe(ex), facts: new CheckFacts(Connected: false));
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return CheckOutcome.Down($"TLS handshake failed: {ex.Message}", facts: new CheckFacts(Connected: true));
        }
        catch (BlockedTargetException ex)
        {
            return CheckOutcome.Down(ex.Message, facts: new CheckFacts(Connected: false));
        }
    }

    /// Time left on the certificate host:port presents, for [CERTIFICATE_EXPIRATION] of HTTPS checks; null when the
    /// handshake fails (the HTTP request itself reports why).
    public async Task<TimeSpan?> TimeToExpiryAsync(string host, int port, CancellationToken ct)
    {
        try
        {
            var handshake = await HandshakeAsync(host, port, host, ct);
            using var certificate = handshake.Certificate;
            return new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero) - clock.GetUtcNow();
        }
        catch (Exception ex) when (ex is SocketException or AuthenticationException or IOException or BlockedTargetException)
        {
            return null;
        }
    }

    async Task<Handshake> HandshakeAsync(string host, int port, string serverName, CancellationToken ct)
    {
        var addresses = await policy.ResolveAsync(host, ct);
        var started = clock.GetTimestamp();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(addresses, port, ct);
        var ip = (socket.RemoteEndPoint as System.Net.IPEndPoint)?.Address;
        await using var stream = new NetworkStream(socket, ownsSocket: false);

        X509Certificate2? seen = null;
        var errors = SslPolicyErrors.None;
        var chainStatus = X509ChainStatusFlags.NoError;
        await using var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            // Accept everything here and judge afterwards, so the result can say what exactly is wrong.
            RemoteCertificateValidationCallback = (_, certificate, chain, policyErrors) =>
            {
                seen = certificate is null ? null : new X509Certificate2(certificate);
                errors = policyErrors;
                chainStatus = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status)
                    ?? X509ChainStatusFlags.NoError;
                return true;
            },
        }, ct);
        var ms = clock.GetElapsedTime(started).TotalMilliseconds;
        return seen is null
            ? throw new AuthenticationException("the server sent no certificate")
            : new Handshake(seen, errors, chainStatus, (ip?.IsIPv4MappedToIPv6 == true ? ip.MapToIPv4() : ip)?.ToString() ?? host, ms);
    }
}
