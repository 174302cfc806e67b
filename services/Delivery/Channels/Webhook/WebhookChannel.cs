using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Webhook;

/// POSTs the notification as JSON (the documented WebhookPayload, or the channel's own body template) with the
/// channel's headers and, when a secret is set, an HMAC-SHA256 signature of the exact body bytes.
public sealed class WebhookChannel(ChannelHttp http) : INotificationChannel
{
    public const string TypeName = ChannelKinds.Webhook;
    public const string SignatureHeader = "X-Sentinel-Signature";

    /// camelCase like the rest of the API, but nulls kept: a receiver sees `"resolvedAt": null` rather than guessing.
    static readonly JsonSerializerOptions WebhookJson = new(JsonSerializerOptions.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Type => TypeName;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<WebhookChannelSettings>();
        if (settings is null || !ChannelHttp.TryUrl(settings.Url, out var url))
            return Task.FromResult(SendResult.BadSettings(TypeName));

        var body = string.IsNullOrWhiteSpace(settings.BodyTemplate)
            ? JsonSerializer.SerializeToUtf8Bytes(WebhookPayload.From(message), WebhookJson)
            : Encoding.UTF8.GetBytes(Placeholders.Render(settings.BodyTemplate,
                Placeholders.ValuesFor(message.Source, message.IncidentUrl), JsonStringContent));
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = ChannelHttp.JsonBytes(body) };
        foreach (var (name, value) in settings.Headers ?? new Dictionary<string, string>())
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                // Content headers (Content-Type, …) live on the content, not on the request.
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (!string.IsNullOrEmpty(settings.Secret))
            request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(settings.Secret, body));
        return http.SendAsync(request, message.Source.NotificationId, ct);
    }

    /// `sha256=<lower-case hex HMAC-SHA256 of the body under the secret>`, as GitHub signs its webhooks.
    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// A value placed inside a JSON string of the template: quotes, backslashes and control characters escaped.
    static string JsonStringContent(string value)
    {
        var quoted = JsonSerializer.Serialize(value, ChannelHttp.PayloadJson);
        return quoted[1..^1];
    }
}

/// The JSON body a webhook receives by default (camelCase).
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
    string Message,
    string Title,
    string IncidentUrl,
    IReadOnlyList<string> Tags,
    int? EscalationLevel)
{
    public static WebhookPayload From(NotificationMessage m)
    {
        var n = m.Source;
        return new(n.Event, n.NotificationId, n.IncidentId, new WebhookMonitor(n.MonitorId, n.MonitorName), n.Status,
            n.Error, n.FirstFailureAt, n.ResolvedAt, n.OccurredAt, m.Text, m.Title, m.IncidentUrl, n.Tags ?? [],
            n.EscalationLevel);
    }
}

public sealed record WebhookMonitor(Guid Id, string Name);
