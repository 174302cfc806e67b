using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Sentinel.Conditions;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks.Tcp;

/// Connects to host:port; optionally sends a payload and reads until the reply matches a regex.
public sealed class TcpCheck(OutboundPolicy policy, TimeProvider clock)
{
    public const string Type = "tcp";
    const int MaxReplyBytes = 65_536;

    public async Task<CheckOutcome> RunAsync(TcpCheckSpec spec, int timeoutSeconds, CancellationToken ct)
    {
        var timeout = Network.Timeout(timeoutSeconds);
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var started = clock.GetTimestamp();
        double Elapsed() => clock.GetElapsedTime(started).TotalMilliseconds;
        var connected = false;
        string? ip = null;
        var reply = new StringBuilder();
        CheckFacts Facts() => new(ResponseTimeMs: Elapsed(), Connected: connected, Ip: ip, Body: reply.ToString());

        try
        {
            var expect = spec.Expect is null ? null : new Regex(spec.Expect, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            var addresses = await policy.ResolveAsync(spec.Host, linked.Token);
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(addresses, spec.Port, linked.Token);
            connected = true;
            ip = Unmapped((socket.RemoteEndPoint as IPEndPoint)?.Address);
            var connectMs = Elapsed();

            if (spec.Payload is { Length: > 0 } payload)
                await socket.SendAsync(Encoding.UTF8.GetBytes(payload), SocketFlags.None, linked.Token);
            if (expect is null)
                return new CheckOutcome(true, null, connectMs, null, Facts() with { ResponseTimeMs = connectMs }, $"connected to {ip}:{spec.Port}");

            var buffer = new byte[4096];
            var decoder = Encoding.UTF8.GetDecoder();
            var chars = new char[buffer.Length];
            while (reply.Length < MaxReplyBytes)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token);
                if (read == 0)
                    return CheckOutcome.Down(
                        $"connection closed before the reply matched /{spec.Expect}/ (got {Quote(reply)})", latencyMs: Elapsed(), facts: Facts());
                reply.Append(chars, 0, decoder.GetChars(buffer, 0, read, chars, 0));
                if (expect.IsMatch(reply.ToString()))
                    return new CheckOutcome(true, null, Elapsed(), null, Facts(), $"reply matched /{spec.Expect}/");
            }
            return CheckOutcome.Down($"reply did not match /{spec.Expect}/ within {MaxReplyBytes} bytes", latencyMs: Elapsed(), facts: Facts());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var what = connected && spec.Expect is not null
                ? $"no reply matching /{spec.Expect}/ within {timeout.TotalSeconds:0.###} s (got {Quote(reply)})"
                : Network.TimedOut(timeout);
            return CheckOutcome.Down(what, latencyMs: Elapsed(), facts: Facts());
        }
        catch (SocketException ex)
        {
            return CheckOutcome.Down(Network.Describe(ex), latencyMs: Elapsed(), facts: Facts());
        }
        catch (RegexMatchTimeoutException)
        {
            return CheckOutcome.Down($"the expect pattern /{spec.Expect}/ took too long to match", facts: Facts());
        }
        catch (ArgumentException ex) when (spec.Expect is not null && ex is not ArgumentNullException)
        {
            return CheckOutcome.Down($"invalid expect pattern: {ex.Message}");
        }
        catch (BlockedTargetException ex)
        {
            return CheckOutcome.Down(ex.Message, facts: Facts());
        }
    }

    static string Quote(StringBuilder reply) =>
        reply.Length == 0 ? "nothing" : $"'{(reply.Length > 100 ? reply.ToString(0, 100) + "…" : reply.ToString())}'";

    internal static string? Unmapped(IPAddress? address) =>
        (address?.IsIPv4MappedToIPv6 == true ? address.MapToIPv4() : address)?.ToString();
}
