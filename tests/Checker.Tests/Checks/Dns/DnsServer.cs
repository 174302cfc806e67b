using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sentinel.Checker.Tests.Checks.Dns;

/// A tiny authoritative DNS server on a loopback UDP port: just enough of RFC 1035 to answer the zone below.
/// `silent.test` gets no answer at all (for timeouts); unknown names get NXDOMAIN.
public sealed class DnsServer : IAsyncDisposable
{
    readonly UdpClient socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    readonly CancellationTokenSource stop = new();
    readonly Task serving;

    public DnsServer() => serving = Task.Run(ServeAsync);

    public int Port => ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    public int Queries;

    async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            UdpReceiveResult query;
            try
            {
                query = await socket.ReceiveAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Interlocked.Increment(ref Queries);
            if (Answer(query.Buffer) is { } reply)
                await socket.SendAsync(reply, query.RemoteEndPoint, stop.Token);
        }
    }

    static byte[]? Answer(byte[] query)
    {
        // Question: labels from offset 12 up to a zero byte, then QTYPE and QCLASS.
        var names = new List<string>();
        var at = 12;
        while (query[at] != 0)
        {
            names.Add(Encoding.ASCII.GetString(query, at + 1, query[at]));
            at += query[at] + 1;
        }
        var questionEnd = at + 5;
        var name = string.Join('.', names).ToLowerInvariant();
        var type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(at + 1));
        if (name == "silent.test")
            return null;

        var answers = new List<(ushort Type, byte[] Data)>();
        var known = true;
        switch (name, type)
        {
            case ("ok.test", 1):
                answers.Add((1, [10, 1, 2, 3]));
                answers.Add((1, [10, 1, 2, 4]));
                break;
            case ("ok.test", 28):
                answers.Add((28, IPAddress.Parse("fd00::1").GetAddressBytes()));
                break;
            case ("mail.test", 15):
                answers.Add((15, [0, 10, .. Name("mx.mail.test")]));
                break;
            case ("txt.test", 16):
                var text = Encoding.ASCII.GetBytes("v=spf1 -all");
                answers.Add((16, [(byte)text.Length, .. text]));
                break;
            case ("ok.test" or "mail.test" or "txt.test", _):
                break; // the name exists, without records of that type
            default:
                known = false;
                break;
        }

        var reply = new List<byte>();
        reply.AddRange(query.AsSpan(0, 2).ToArray());                                 // id
        reply.AddRange(new byte[] { 0x84, (byte)(known ? 0x00 : 0x03) });             // QR AA, rcode NOERROR / NXDOMAIN
        reply.AddRange(new byte[] { 0, 1, 0, (byte)answers.Count, 0, 0, 0, 0 });      // 1 question, n answers
        reply.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
        foreach (var (answerType, data) in answers)
        {
            reply.AddRange(new byte[] { 0xC0, 12 });                                  // the question's name
            reply.AddRange(new byte[] { 0, (byte)answerType, 0, 1, 0, 0, 0, 60 });    // type, IN, TTL 60
            reply.AddRange(new byte[] { (byte)(data.Length >> 8), (byte)data.Length });
            reply.AddRange(data);
        }
        return [.. reply];
    }

    static byte[] Name(string name) =>
        [.. name.Split('.').SelectMany(label => new[] { (byte)label.Length }.Concat(Encoding.ASCII.GetBytes(label))), 0];

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        socket.Dispose();
        await serving;
        stop.Dispose();
    }
}
