using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Sentinel.Gateway.Events;

/// Writes one subscription to the response as text/event-stream until the client goes away (or falls too far
/// behind): the replay first, then live events, and a comment line every heartbeat so proxies keep the connection
/// open and dead clients are noticed.
public static class ServerSentEvents
{
    public const string ContentType = "text/event-stream";

    public static async Task StreamAsync(
        HttpContext http, LiveEventBuffer buffer, LiveSubscription subscription, Func<LiveEvent, (string Type, string Data)> project,
        Func<CancellationToken, Task>? onHeartbeat, TimeSpan heartbeat, TimeProvider clock, string? resumeFrom = null)
    {
        // A stream never ends by itself: shutting down must end it, or every open stream holds the host up until
        // its shutdown timeout. Clients reconnect (to another replica) with Last-Event-ID.
        var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var ct = linked.Token;
        var response = http.Response;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx would otherwise hold events back
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        // A reconnecting EventSource sends Last-Event-ID; before that, the caller may name a starting point.
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
        var replay = buffer.Subscribe(subscription, lastEventId.Length > 0 ? lastEventId : resumeFrom);
        try
        {
            var text = new StringBuilder("retry: 3000\n\n");
            if (replay.Reset)
                text.Append("event: reset\ndata: ")
                    .Append(JsonSerializer.Serialize(new { reason = replay.Reason, buffered = replay.Events.Count }))
                    .Append("\n\n");
            foreach (var e in replay.Events)
                Append(text, e, project);
            await WriteAsync(response, text, ct);

            var reader = subscription.Reader;
            Task<bool>? read = null;
            Task? beat = null;
            while (true)
            {
                read ??= reader.WaitToReadAsync(ct).AsTask();
                beat ??= Task.Delay(heartbeat, clock, ct);
                if (await Task.WhenAny(read, beat) == beat)
                {
                    ct.ThrowIfCancellationRequested();
                    beat = null;
                    if (onHeartbeat is not null)
                        await onHeartbeat(ct);
                    text.Append(": heartbeat\n\n");
                    await WriteAsync(response, text, ct);
                    continue;
                }
                if (!await read)
                    return; // dropped for being too slow: the client reconnects with Last-Event-ID
                read = null;
                while (reader.TryRead(out var e))
                    Append(text, e, project);
                await WriteAsync(response, text, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client disconnected: the normal end of a stream.
        }
        finally
        {
            buffer.Unsubscribe(subscription);
        }
    }

    static void Append(StringBuilder text, LiveEvent e, Func<LiveEvent, (string Type, string Data)> project)
    {
        var (type, data) = project(e);
        text.Append("id: ").Append(e.Id).Append("\nevent: ").Append(type).Append("\ndata: ").Append(data).Append("\n\n");
    }

    static async Task WriteAsync(HttpResponse response, StringBuilder text, CancellationToken ct)
    {
        await response.WriteAsync(text.ToString(), ct);
        await response.Body.FlushAsync(ct);
        text.Clear();
    }
}
