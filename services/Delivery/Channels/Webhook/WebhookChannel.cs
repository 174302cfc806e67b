using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Webhook;

/// POSTs the notification as JSON to the channel's URL with the channel's headers.
public sealed class WebhookChannel(IHttpClientFactory httpClients) : INotificationChannel
{
    public const string TypeName = "webhook";
    public const string HttpClientName = "webhook";
    public const string NotificationIdHeader = "X-Sentinel-Notification-Id";

    public string Type => TypeName;

    public async Task<SendResult> SendAsync(Channel channel, SendNotification notification, CancellationToken ct)
    {
        var settings = channel.ReadSettings<WebhookChannelSettings>();
        if (settings is null || !Uri.TryCreate(settings.Url, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            return SendResult.Permanent(null, "webhook channel has no valid http(s) url");

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            // Buffered, so the request has a Content-Length: many simple receivers do not read chunked bodies.
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(WebhookPayload.From(notification), JsonSerializerOptions.Web))
            {
                Headers = { ContentType = new("application/json") { CharSet = "utf-8" } },
            },
        };
        foreach (var (name, value) in settings.Headers ?? new Dictionary<string, string>())
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                // Content headers (Content-Type, …) live on the content, not on the request.
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        request.Headers.Remove("User-Agent");
        request.Headers.TryAddWithoutValidation("User-Agent", "Sentinel");
        // The same id on every attempt: a crash after a 2xx but before Delivery commits re-sends the notification,
        // and this header is how a receiver recognises the repeat.
        request.Headers.Remove(NotificationIdHeader);
        request.Headers.TryAddWithoutValidation(NotificationIdHeader, notification.NotificationId.ToString());

        var client = httpClients.CreateClient(HttpClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return Classify(response.StatusCode, response.ReasonPhrase);
        }
        catch (HttpRequestException ex)
        {
            return SendResult.Transient(null, $"connection failed: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            // HttpClient.Timeout expired; our own token (shutdown) is not cancelled, so it is the receiver's slowness.
            return SendResult.Transient(null, $"timed out after {client.Timeout.TotalSeconds:0.#}s");
        }
    }

    public static SendResult Classify(HttpStatusCode status, string? reason)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
            return SendResult.Delivered(code);
        var error = string.IsNullOrWhiteSpace(reason) ? $"HTTP {code}" : $"HTTP {code} {reason}";
        return code is 408 or 429 or >= 500
            ? SendResult.Transient(code, error)
            : SendResult.Permanent(code, error);
    }
}

/// The JSON body a webhook receives (camelCase).
public sealed record WebhookPayload(
    string Event,
    Guid NotificationId,
    Guid IncidentId,
    WebhookMonitor Monitor,
    string Status,
    string? Error,
    DateTimeOffset FirstFailureAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset OccurredAt,
    string Message)
{
    public static WebhookPayload From(SendNotification n) =>
        new(n.Event, n.NotificationId, n.IncidentId, new WebhookMonitor(n.MonitorId, n.MonitorName), n.Status,
            n.Error, n.FirstFailureAt, n.ResolvedAt, n.OccurredAt, NotificationText.For(n));
}

public sealed record WebhookMonitor(Guid Id, string Name);

public static class WebhookRegistration
{
    public static IHostApplicationBuilder AddWebhookChannel(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<INotificationChannel, WebhookChannel>();
        builder.Services.AddHttpClient(WebhookChannel.HttpClientName, (sp, client) =>
            client.Timeout = TimeSpan.FromSeconds(
                sp.GetRequiredService<IConfiguration>().GetValue("Delivery:WebhookTimeoutSeconds", 10.0)));
        return builder;
    }
}
