using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sentinel.Delivery.Channels;

/// The HTTP every webhook-style kind shares: one pooled client, bodies buffered (a Content-Length: simple receivers
/// do not read chunked bodies), answers classified into delivered / transient / permanent, Retry-After read.
public sealed class ChannelHttp(IHttpClientFactory httpClients, TimeProvider clock)
{
    public const string ClientName = "channels";
    public const string NotificationIdHeader = "X-Sentinel-Notification-Id";

    /// Payload JSON: names exactly as the receiver's API spells them, nulls left out, emoji and accents unescaped.
    public static readonly JsonSerializerOptions PayloadJson = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// camelCase payloads (our own webhook body, ntfy, Gotify, …).
    public static readonly JsonSerializerOptions CamelCaseJson = new(JsonSerializerOptions.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static bool TryUrl(string? text, out Uri url)
    {
        url = null!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            return false;
        url = parsed;
        return true;
    }

    /// baseUrl (a configurable API root, e.g. https://api.pushover.net) joined with path.
    public static Uri Join(string baseUrl, string path) => new(baseUrl.TrimEnd('/') + "/" + path.TrimStart('/'));

    public static ByteArrayContent Json(object body) => JsonBytes(JsonSerializer.SerializeToUtf8Bytes(body, PayloadJson));

    public static ByteArrayContent JsonBytes(byte[] body) =>
        new(body) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } };

    public Task<SendResult> PostJsonAsync(Uri url, object body, Guid notificationId, CancellationToken ct,
        Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Json(body) };
        configure?.Invoke(request);
        return SendAsync(request, notificationId, ct);
    }

    /// Sends and disposes the request.
    public async Task<SendResult> SendAsync(HttpRequestMessage request, Guid notificationId, CancellationToken ct)
    {
        using var _ = request;
        request.Headers.Remove("User-Agent");
        request.Headers.TryAddWithoutValidation("User-Agent", "Sentinel");
        // The same id on every try: how a receiver recognises a repeat after a crash between its 2xx and our commit.
        request.Headers.Remove(NotificationIdHeader);
        request.Headers.TryAddWithoutValidation(NotificationIdHeader, notificationId.ToString());
        var client = httpClients.CreateClient(ClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode)
                return SendResult.Delivered((int)response.StatusCode);
            var detail = await ReadSnippetAsync(response, ct);
            return Classify(response.StatusCode, response.ReasonPhrase, RetryAfter(response), detail);
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

    public static SendResult Classify(HttpStatusCode status, string? reason, TimeSpan? retryAfter = null, string? detail = null)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
            return SendResult.Delivered(code);
        var error = string.IsNullOrWhiteSpace(reason) ? $"HTTP {code}" : $"HTTP {code} {reason}";
        if (!string.IsNullOrWhiteSpace(detail))
            error += $": {detail}";
        return code is 408 or 429 or >= 500
            ? SendResult.Transient(code, error, retryAfter)
            : SendResult.Permanent(code, error);
    }

    TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - clock.GetUtcNow(),
        _ => null,
    };

    /// The start of an error body ("invalid_token", "chat not found"): what an operator needs in the delivery log.
    static async Task<string?> ReadSnippetAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        text = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return text.Length == 0 ? null : text.Length <= 300 ? text : text[..300] + "…";
    }
}
