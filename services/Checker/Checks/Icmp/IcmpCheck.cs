using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Sentinel.Checker.Checks.Tcp;
using Sentinel.Conditions;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks.Icmp;

/// Count echo requests one after another. Down only when every one is lost; packet loss and RTT are facts for
/// conditions (`[PACKET_LOSS] < 20`, `[RESPONSE_TIME] < 50`). Latency is the average round trip.
public sealed class IcmpCheck(OutboundPolicy policy)
{
    public const string Type = "icmp";

    public async Task<CheckOutcome> RunAsync(IcmpCheckSpec spec, int timeoutSeconds, CancellationToken ct)
    {
        var count = Math.Clamp(spec.Count, 1, 20);
        var timeout = Network.Timeout(timeoutSeconds);
        // The whole check fits in the timeout: each echo gets its share (at least 200 ms).
        var perEcho = TimeSpan.FromMilliseconds(Math.Max(200, timeout.TotalMilliseconds / count));
        string? ip = null;
        try
        {
            var address = (await policy.ResolveAsync(spec.Host, ct))[0];
            ip = TcpCheck.Unmapped(address);
            using var ping = new Ping();
            var rtts = new List<double>(count);
            string? lastFailure = null;
            for (var i = 0; i < count; i++)
            {
                var reply = await ping.SendPingAsync(address, perEcho, new byte[32], null, ct);
                if (reply.Status == IPStatus.Success)
                    rtts.Add(reply.RoundtripTime);
                else
                    lastFailure = reply.Status.ToString();
            }

            var loss = 100.0 * (count - rtts.Count) / count;
            var avg = rtts.Count > 0 ? rtts.Average() : 0;
            var facts = new CheckFacts(ResponseTimeMs: avg, Connected: rtts.Count > 0, Ip: ip, PacketLossPercent: loss);
            var lossText = loss.ToString("0.#", CultureInfo.InvariantCulture);
            if (rtts.Count == 0)
                return CheckOutcome.Down($"no reply to {count} echo requests to {ip} (100% packet loss, last status {lastFailure})", facts: facts);
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{rtts.Count}/{count} replies from {ip}, {lossText}% loss, rtt min/avg/max {rtts.Min():0.###}/{avg:0.###}/{rtts.Max():0.###} ms");
            return new CheckOutcome(true, null, avg, null, facts, detail);
        }
        catch (SocketException ex)
        {
            return CheckOutcome.Down(Network.Describe(ex), facts: new CheckFacts(Connected: false, Ip: ip, PacketLossPercent: 100));
        }
        catch (PingException ex)
        {
            return CheckOutcome.Down($"ping failed: {ex.InnerException?.Message ?? ex.Message}",
                facts: new CheckFacts(Connected: false, Ip: ip, PacketLossPercent: 100));
        }
        catch (BlockedTargetException ex)
        {
            return CheckOutcome.Down(ex.Message, facts: new CheckFacts(Connected: false));
        }
    }
}
