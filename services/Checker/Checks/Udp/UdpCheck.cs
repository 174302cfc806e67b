using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Sentinel.Checker.Checks.Tcp;
using Sentinel.Conditions;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks.Udp;

/// Sends one datagram and waits for a reply (matching a regex when given) within the timeout. UDP has no
/// connection, so "no reply" is the usual failure; an ICMP port-unreachable shows up as "connection refused".
public sealed class UdpCheck(OutboundPolicy policy, TimeProvider clock)
{
    public const string Type = "udp";

    public async Task<CheckOutcome> RunAsync(UdpCheckSpec spec, int timeoutSeconds, CancellationToken ct)
    {
        var timeout = Network.Timeout(timeoutSeconds);
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var started = clock.GetTimestamp();
        double Elapsed() => clock.GetElapsedTime(started).TotalMilliseconds;
        string? ip = null;
        string? lastReply = null;
        CheckFacts Facts(bool replied) => new(ResponseTimeMs: Elapsed(), Connected: replied, Ip: ip, Body: lastReply);

        try
        {
            var expect = spec.Expect is null ? null : new Regex(spec.Expect, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            var address = (await policy.ResolveAsync(spec.Host, linked.Token))[0];
            ip = TcpCheck.Unmapped(address);
            using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            await socket.ConnectAsync(new IPEndPoint(address, spec.Port), linked.Token);
            await socket.SendAsync(Encoding.UTF8.GetBytes(spec.Payload), SocketFlags.None, linked.Token);

            var buffer = new byte[65_535];
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token);
                lastReply = Encoding.UTF8.GetString(buffer, 0, read);
                if (expect is null || expect.IsMatch(lastReply))
                    return new CheckOutcome(true, null, Elapsed(), null, Facts(true), $"{read}-byte reply from {ip}:{spec.Port}");
                // Not the reply we want (a stray or stale datagram): keep listening until the deadline.
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var error = lastReply is null
                ? $"no reply within {timeout.TotalSeconds:0.###} s"
                : $"no reply matching /{spec.Expect}/ within {timeout.TotalSeconds:0.###} s (last: '{lastReply}')";
            return CheckOutcome.Down(error, latencyMs: Elapsed(), facts: Facts(lastReply is not null));
        }
        catch (SocketException ex)
        {
            var error = ex.SocketErrorCode == SocketError.ConnectionRefused ? "port unreachable (connection refused)" : Network.Describe(ex);
            return CheckOutcome.Down(error, latencyMs: Elapsed(), facts: Facts(false));
        }
        catch (RegexMatchTimeoutException)
        {
            return CheckOutcome.Down($"the expect pattern /{spec.Expect}/ took too long to match", facts: Facts(true));
        }
        catch (ArgumentException ex) when (spec.Expect is not null && ex is not ArgumentNullException)
        {
            return CheckOutcome.Down($"invalid expect pattern: {ex.Message}");
        }
        catch (BlockedTargetException ex)
        {
            return CheckOutcome.Down(ex.Message, facts: Facts(false));
        }
    }
}
