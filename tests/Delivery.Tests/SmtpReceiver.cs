using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Sentinel.Delivery.Tests;

/// A small real SMTP server on loopback: EHLO, STARTTLS (self-signed certificate), AUTH PLAIN/LOGIN, MAIL, RCPT, DATA,
/// QUIT; enough of RFC 5321 for MailKit. It keeps each mail with whether it came over TLS and who logged in.
public sealed class SmtpReceiver : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly X509Certificate2 certificate = SelfSigned();
    readonly CancellationTokenSource stop = new();
    readonly Task accepting;

    public ConcurrentQueue<ReceivedMail> Mails { get; } = new();
    public int Port { get; }
    /// Replies to MAIL FROM, in order (then 250), to make the server refuse or defer.
    public ConcurrentQueue<string> MailFromReplies { get; } = new();

    public SmtpReceiver()
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        Stream stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        var tls = false;
        string? user = null;
        var recipients = new List<string>();
        await writer.WriteLineAsync("220 localhost test SMTP");
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-localhost");
                    if (!tls)
                        await writer.WriteLineAsync("250-STARTTLS");
                    await writer.WriteLineAsync("250-AUTH PLAIN LOGIN");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "STARTTLS":
                    await writer.WriteLineAsync("220 go ahead");
                    var ssl = new SslStream(stream);
                    await ssl.AuthenticateAsServerAsync(certificate);
                    stream = ssl;
                    reader = new StreamReader(stream, Encoding.ASCII);
                    writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                    tls = true;
                    break;
                case "AUTH":
                    var parts = line.Split(' ');
                    if (parts[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
                    {
                        var encoded = parts.Length > 2 ? parts[2] : await PromptAsync(writer, reader, "334 ");
                        user = Encoding.UTF8.GetString(Convert.FromBase64String(encoded)).Split('\0')[1];
                    }
                    else
                    {
                        user = Encoding.UTF8.GetString(Convert.FromBase64String(await PromptAsync(writer, reader, "334 VXNlcm5hbWU6")));
                        await PromptAsync(writer, reader, "334 UGFzc3dvcmQ6");
                    }
                    await writer.WriteLineAsync("235 ok");
                    break;
                case "MAIL":
                    await writer.WriteLineAsync(MailFromReplies.TryDequeue(out var reply) ? reply : "250 ok");
                    recipients.Clear();
                    break;
                case "RCPT":
                    recipients.Add(line[(line.IndexOf('<') + 1)..line.IndexOf('>')]);
                    await writer.WriteLineAsync("250 ok");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with .");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    Mails.Enqueue(new ReceivedMail(tls, user, [.. recipients], data.ToString()));
                    await writer.WriteLineAsync("250 queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 ok");
                    break;
            }
        }
    }

    static async Task<string> PromptAsync(StreamWriter writer, StreamReader reader, string prompt)
    {
        await writer.WriteLineAsync(prompt);
        return await reader.ReadLineAsync() ?? "";
    }

    static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        certificate.Dispose();
        stop.Dispose();
    }
}

public sealed record ReceivedMail(bool OverTls, string? User, IReadOnlyList<string> Recipients, string Data);
