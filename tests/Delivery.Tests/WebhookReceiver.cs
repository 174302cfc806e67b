using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sentinel.Delivery.Tests;

/// A real HTTP server on loopback standing in for a customer's webhook endpoint: it records every request and
/// answers each hook path with the replies planned for it (then 200).
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentQueue<ReceivedRequest> received = new();
    readonly ConcurrentDictionary<string, ConcurrentQueue<Reply>> plans = new();

    WebhookReceiver(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.Run(receiver.HandleAsync);
        await receiver.app.StartAsync();
        receiver.BaseUrl = receiver.app.Services.GetRequiredService<IServer>()
            .Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return receiver;
    }

    /// A fresh hook URL, answered with these replies in order and 200 afterwards.
    public string NewHook(params Reply[] replies)
    {
        var path = $"/hooks/{Guid.NewGuid():N}";
        plans[path] = new ConcurrentQueue<Reply>(replies);
        return BaseUrl + path;
    }

    /// Plans replies for any path (a fake API's endpoint, e.g. /bot{token}/sendMessage).
    public void Plan(string path, params Reply[] replies) => plans[path] = new ConcurrentQueue<Reply>(replies);

    public IReadOnlyList<ReceivedRequest> RequestsTo(string url)
    {
        var path = url.StartsWith('/') ? url : new Uri(url).AbsolutePath;
        return received.Where(r => r.Path == path).ToList();
    }

    public IReadOnlyList<ReceivedRequest> AllRequests() => received.ToList();

    /// The most requests to one path that were in progress at the same moment.
    public int MaxConcurrent(string url) => peaks.GetValueOrDefault(new Uri(url).AbsolutePath);

    readonly ConcurrentDictionary<string, int> inFlight = new();
    readonly ConcurrentDictionary<string, int> peaks = new();

    async Task HandleAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "";
        received.Enqueue(new ReceivedRequest(
            context.Request.Method,
            path,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            DateTimeOffset.UtcNow,
            context.Request.QueryString.Value ?? ""));
        var now = inFlight.AddOrUpdate(path, 1, (_, n) => n + 1);
        peaks.AddOrUpdate(path, now, (_, peak) => Math.Max(peak, now));
        try
        {
            var reply = plans.TryGetValue(path, out var plan) && plan.TryDequeue(out var next) ? next : DefaultReply(path);
            if (reply.Delay > TimeSpan.Zero)
                await Task.Delay(reply.Delay, context.RequestAborted);
            context.Response.StatusCode = reply.Status;
            if (reply.RetryAfterSeconds is { } retryAfter)
                context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (reply.Body is { } text)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(text, context.RequestAborted);
            }
        }
        finally
        {
            inFlight.AddOrUpdate(path, 0, (_, n) => n - 1);
        }
    }

    /// Telegram's Bot API answers every call with a JSON envelope; Telegram.Bot reads it.
    static Reply DefaultReply(string path) =>
        path.EndsWith("/sendMessage", StringComparison.Ordinal)
            ? Reply.Ok with { Body = """{"ok":true,"result":{"message_id":1,"date":1700000000,"chat":{"id":-100123,"type":"supergroup"},"text":"x"}}""" }
            : Reply.Ok;

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

public sealed record Reply(int Status, TimeSpan Delay, string? Body = null, int? RetryAfterSeconds = null)
{
    public static readonly Reply Ok = new(200, TimeSpan.Zero);
    public static Reply WithStatus(int status) => new(status, TimeSpan.Zero);
    public static Reply Slow(TimeSpan delay) => new(200, delay);
}

public sealed record ReceivedRequest(
    string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At, string Query);
