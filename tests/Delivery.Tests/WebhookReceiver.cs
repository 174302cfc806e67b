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

    public IReadOnlyList<ReceivedRequest> RequestsTo(string url)
    {
        var path = new Uri(url).AbsolutePath;
        return received.Where(r => r.Path == path).ToList();
    }

    async Task HandleAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "";
        received.Enqueue(new ReceivedRequest(
            context.Request.Method,
            path,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));
        var reply = plans.TryGetValue(path, out var plan) && plan.TryDequeue(out var next) ? next : Reply.Ok;
        if (reply.Delay > TimeSpan.Zero)
            await Task.Delay(reply.Delay, context.RequestAborted);
        context.Response.StatusCode = reply.Status;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

public sealed record Reply(int Status, TimeSpan Delay)
{
    public static readonly Reply Ok = new(200, TimeSpan.Zero);
    public static Reply WithStatus(int status) => new(status, TimeSpan.Zero);
    public static Reply Slow(TimeSpan delay) => new(200, delay);
}

public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
