using System.Net;
using System.Net.Sockets;

namespace Sentinel.Checker.Checks;

/// Where checks may connect. With Checker:BlockPrivateTargets (off by default: self-hosters monitor their own LAN)
/// a multi-tenant install refuses loopback, private, link-local and other non-public addresses, judged on the
/// resolved addresses at check time so a public name that resolves to 127.0.0.1 is refused too.
public sealed class OutboundPolicy(IConfiguration configuration)
{
    public bool BlockPrivateTargets => configuration.GetValue("Checker:BlockPrivateTargets", false);

    /// The addresses to connect to. Throws BlockedTargetException when the policy refuses one of them, and
    /// SocketException when the name does not resolve.
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await System.Net.Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0)
            throw new SocketException((int)SocketError.HostNotFound);
        Ensure(addresses);
        return addresses;
    }

    public void Ensure(IEnumerable<IPAddress> addresses)
    {
        if (!BlockPrivateTargets)
            return;
        foreach (var address in addresses)
            if (Classify(address) is { } range)
                throw new BlockedTargetException(
                    $"target {address} is a {range} address; private targets are blocked on this Checker (Checker:BlockPrivateTargets)");
    }

    /// The kind of non-public range an address is in, or null for a public address.
    public static string? Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address))
            return "loopback";
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6Any))
                return "unspecified";
            if (address.IsIPv6LinkLocal)
                return "link-local";
            if (address.IsIPv6SiteLocal)
                return "site-local";
            if (address.IsIPv6UniqueLocal)
                return "private";
            if (address.IsIPv6Multicast)
                return "multicast";
            return null;
        }

        var b = address.GetAddressBytes();
        return b switch
        {
            [0, ..] => "unspecified",
            [10, ..] => "private",
            [100, >= 64 and <= 127, ..] => "shared (carrier-grade NAT)",
            [169, 254, ..] => "link-local",
            [172, >= 16 and <= 31, ..] => "private",
            [192, 168, ..] => "private",
            [192, 0, 0, _] => "reserved",
            [198, 18 or 19, ..] => "benchmarking",
            [>= 224 and <= 239, ..] => "multicast",
            [>= 240, ..] => "reserved",
            _ => null,
        };
    }
}

/// The outbound policy refused the target; the check is down with this message.
public sealed class BlockedTargetException(string message) : Exception(message);
