using System.Net;
using System.Net.Http.Headers;

namespace Sentinel.Gateway.Tests.Events;

public sealed record SseEvent(string? Id, string Type, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;
}

/// Reads a text/event-stream response the way a browser's EventSource does (id, event, data; comments skipped).
public sealed class SseStream : IAsyncDisposable
{
    readonly HttpResponseMessage response;
    readonly StreamReader reader;
    readonly CancellationTokenSource stop = new();

    SseStream(HttpResponseMessage response, StreamReader reader)
    {
        this.response = response;
        this.reader = reader;
    }

    public List<string> Comments { get; } = [];

    /// Connects and waits for the stream's first bytes, which are written once the subscription is registered.
    public static async Task<SseStream> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
            request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ErrorBody(response));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var stream = new SseStream(response, reader);
        var first = await stream.ReadLineAsync(TimeSpan.FromSeconds(10));
        Assert.That(first, Does.StartWith("retry:"));
        return stream;
    }

    static async Task<string> ErrorBody(HttpResponseMessage response) =>
        response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync();

    /// The next event (not comment), or a TimeoutException.
    public async Task<SseEvent> NextAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        string? id = null, type = null;
        var data = new List<string>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException("No server-sent event arrived in time");
            var line = await ReadLineAsync(left) ?? throw new EndOfStreamException("The event stream ended");
            if (line.Length == 0)
            {
                if (data.Count > 0 || type is not null)
                    return new SseEvent(id, type ?? "message", string.Join("\n", data));
                continue;
            }
            if (line.StartsWith(':'))
                Comments.Add(line);
            else if (line.StartsWith("id: "))
                id = line[4..];
            else if (line.StartsWith("event: "))
                type = line[7..];
            else if (line.StartsWith("data: "))
                data.Add(line[6..]);
        }
    }

    /// Skips events until one matches.
    public async Task<SseEvent> NextAsync(Func<SseEvent, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var e = await NextAsync(deadline - DateTime.UtcNow);
            if (match(e))
                return e;
        }
    }

    async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        cts.CancelAfter(timeout);
        try
        {
            return await reader.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No server-sent event arrived in time");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        reader.Dispose();
        response.Dispose();
        stop.Dispose();
    }
}
