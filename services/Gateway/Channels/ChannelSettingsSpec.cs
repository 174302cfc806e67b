using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Channels;

/// Reads and validates each channel kind's settings (the records in contracts' ChannelSettings.cs), and knows which
/// of their fields are secrets.
public static partial class ChannelSettingsSpec
{
    static readonly JsonSerializerOptions Strict = new(JsonSerializerOptions.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// The fields never shown again once written.
    public static readonly IReadOnlyDictionary<string, string[]> Secrets = new Dictionary<string, string[]>
    {
        [ChannelKinds.Webhook] = ["headers", "secret"],
        [ChannelKinds.Email] = ["password"],
        [ChannelKinds.Slack] = ["webhookUrl"],
        [ChannelKinds.Discord] = ["webhookUrl"],
        [ChannelKinds.Teams] = ["webhookUrl"],
        [ChannelKinds.Telegram] = ["botToken"],
        [ChannelKinds.PagerDuty] = ["routingKey"],
        [ChannelKinds.Opsgenie] = ["apiKey"],
        [ChannelKinds.Pushover] = ["userKey", "appToken"],
        [ChannelKinds.Ntfy] = ["accessToken"],
        [ChannelKinds.Gotify] = ["appToken"],
        [ChannelKinds.Mattermost] = ["webhookUrl"],
        [ChannelKinds.GoogleChat] = ["webhookUrl"],
        [ChannelKinds.RocketChat] = ["webhookUrl"],
        [ChannelKinds.Matrix] = ["accessToken"],
        [ChannelKinds.Twilio] = ["authToken"],
    };

    /// The typed settings, or null with errors reported through fail(field, message).
    public static object? Read(string type, JsonElement json, Action<string, string> fail)
    {
        object? settings = type switch
        {
            ChannelKinds.Webhook => Deserialize<WebhookChannelSettings>(json),
            ChannelKinds.Email => Deserialize<EmailChannelSettings>(json),
            ChannelKinds.Slack => Deserialize<SlackChannelSettings>(json),
            ChannelKinds.Discord => Deserialize<DiscordChannelSettings>(json),
            ChannelKinds.Teams => Deserialize<TeamsChannelSettings>(json),
            ChannelKinds.Telegram => Deserialize<TelegramChannelSettings>(json),
            ChannelKinds.PagerDuty => Deserialize<PagerDutyChannelSettings>(json),
            ChannelKinds.Opsgenie => Deserialize<OpsgenieChannelSettings>(json),
            ChannelKinds.Pushover => Deserialize<PushoverChannelSettings>(json),
            ChannelKinds.Ntfy => Deserialize<NtfyChannelSettings>(json),
            ChannelKinds.Gotify => Deserialize<GotifyChannelSettings>(json),
            ChannelKinds.Mattermost => Deserialize<MattermostChannelSettings>(json),
            ChannelKinds.GoogleChat => Deserialize<GoogleChatChannelSettings>(json),
            ChannelKinds.RocketChat => Deserialize<RocketChatChannelSettings>(json),
            ChannelKinds.Matrix => Deserialize<MatrixChannelSettings>(json),
            ChannelKinds.Twilio => Deserialize<TwilioChannelSettings>(json),
            _ => null,
        };
        if (settings is null)
        {
            fail("settings", "Settings are required.");
            return null;
        }

        var before = new List<string>();
        void Fail(string field, string message)
        {
            before.Add(field);
            fail($"settings.{field}", message);
        }
        switch (settings)
        {
            case WebhookChannelSettings s:
                Url(s.Url, "url", Fail);
                Headers(s.Headers, Fail);
                Text(s.Secret, "secret", 256, Fail, required: false);
                BodyTemplate(s.BodyTemplate, Fail);
                break;
            case EmailChannelSettings s:
                Host(s.Host, Fail);
                if (string.IsNullOrWhiteSpace(s.From) || !MailAddress.TryCreate(s.From, out _))
                    Fail("from", "From must be an email address, e.g. \"Sentinel <alerts@example.com>\".");
                if (s.To is not { Count: > 0 and <= 50 })
                    Fail("to", "To must list 1 to 50 email addresses.");
                else if (s.To.Any(a => a is null || !MailAddress.TryCreate(a, out _)))
                    Fail("to", $"'{s.To.First(a => a is null || !MailAddress.TryCreate(a, out _))}' is not an email address.");
                if (s.Port is < 1 or > 65535)
                    Fail("port", "Port must be between 1 and 65535.");
                if (s.Security is not (null or "starttls" or "ssl" or "none"))
                    Fail("security", "Security must be starttls, ssl or none.");
                Text(s.Username, "username", 256, Fail, required: false);
                Text(s.Password, "password", 1024, Fail, required: false);
                if (!string.IsNullOrEmpty(s.Password) && string.IsNullOrEmpty(s.Username))
                    Fail("username", "A username is required with a password.");
                break;
            case SlackChannelSettings s:
                Url(s.WebhookUrl, "webhookUrl", Fail);
                Text(s.Channel, "channel", 80, Fail, required: false);
                Text(s.Username, "username", 80, Fail, required: false);
                break;
            case DiscordChannelSettings s:
                Url(s.WebhookUrl, "webhookUrl", Fail);
                Text(s.Username, "username", 80, Fail, required: false);
                break;
            case TeamsChannelSettings s:
                Url(s.WebhookUrl, "webhookUrl", Fail);
                break;
            case TelegramChannelSettings s:
                if (string.IsNullOrWhiteSpace(s.BotToken) || !BotTokenPattern().IsMatch(s.BotToken))
                    Fail("botToken", "BotToken must look like 123456789:AAE… (from @BotFather).");
                if (string.IsNullOrWhiteSpace(s.ChatId) || !ChatIdPattern().IsMatch(s.ChatId))
                    Fail("chatId", "ChatId must be a numeric chat id (e.g. -1001234567890) or @channelname.");
                OptionalUrl(s.ApiUrl, "apiUrl", Fail);
                break;
            case PagerDutyChannelSettings s:
                Text(s.RoutingKey, "routingKey", 64, Fail);
                OptionalUrl(s.ApiUrl, "apiUrl", Fail);
                if (s.Severity is not (null or "critical" or "error" or "warning" or "info"))
                    Fail("severity", "Severity must be critical, error, warning or info.");
                break;
            case OpsgenieChannelSettings s:
                Text(s.ApiKey, "apiKey", 128, Fail);
                OptionalUrl(s.ApiUrl, "apiUrl", Fail);
                if (s.Priority is not (null or "P1" or "P2" or "P3" or "P4" or "P5"))
                    Fail("priority", "Priority must be P1 to P5.");
                break;
            case PushoverChannelSettings s:
                Text(s.UserKey, "userKey", 64, Fail);
                Text(s.AppToken, "appToken", 64, Fail);
                OptionalUrl(s.ApiUrl, "apiUrl", Fail);
                if (s.Priority is < -2 or > 2)
                    Fail("priority", "Priority must be between -2 and 2.");
                Text(s.Device, "device", 64, Fail, required: false);
                break;
            case NtfyChannelSettings s:
                if (string.IsNullOrWhiteSpace(s.Topic) || !TopicPattern().IsMatch(s.Topic))
                    Fail("topic", "Topic must be 1 to 64 letters, digits, '-' or '_'.");
                OptionalUrl(s.ServerUrl, "serverUrl", Fail);
                Text(s.AccessToken, "accessToken", 256, Fail, required: false);
                if (s.Priority is < 1 or > 5)
                    Fail("priority", "Priority must be between 1 and 5.");
                break;
            case GotifyChannelSettings s:
                Url(s.ServerUrl, "serverUrl", Fail);
                Text(s.AppToken, "appToken", 256, Fail);
                if (s.Priority is < 0 or > 10)
                    Fail("priority", "Priority must be between 0 and 10.");
                break;
            case MattermostChannelSettings s:
                Url(s.WebhookUrl, "webhookUrl", Fail);
                Text(s.Channel, "channel", 80, Fail, required: false);
                Text(s.Username, "username", 80, Fail, required: false);
                break;
            case GoogleChatChannelSettings s:
                Url(s.WebhookUrl, "webhookUrl", Fail);
                break;
            case RocketChatChannelSettings s:
                Url(s.WebhookUrl, "webhookUrl", Fail);
                Text(s.Channel, "channel", 80, Fail, required: false);
                Text(s.Username, "username", 80, Fail, required: false);
                break;
            case MatrixChannelSettings s:
                Url(s.HomeserverUrl, "homeserverUrl", Fail);
                Text(s.AccessToken, "accessToken", 512, Fail);
                if (string.IsNullOrWhiteSpace(s.RoomId) || !RoomIdPattern().IsMatch(s.RoomId))
                    Fail("roomId", "RoomId must look like !abc123:example.org.");
                break;
            case TwilioChannelSettings s:
                Text(s.AccountSid, "accountSid", 64, Fail);
                Text(s.AuthToken, "authToken", 128, Fail);
                if (string.IsNullOrWhiteSpace(s.From) || !(PhonePattern().IsMatch(s.From) || s.From.StartsWith("MG", StringComparison.Ordinal)))
                    Fail("from", "From must be an E.164 number (+15551234567) or a messaging service SID.");
                if (string.IsNullOrWhiteSpace(s.To) || !PhonePattern().IsMatch(s.To))
                    Fail("to", "To must be an E.164 number, e.g. +15551234567.");
                OptionalUrl(s.ApiUrl, "apiUrl", Fail);
                break;
        }
        return before.Count == 0 ? settings : null;
    }

    /// The settings without their secrets, as shown in responses and kept in the catalog.
    public static JsonObject PublicPart(string type, object settings)
    {
        var json = JsonSerializer.SerializeToNode(settings, settings.GetType(), JsonSerializerOptions.Web)!.AsObject();
        if (settings is WebhookChannelSettings webhook)
            json["headerNames"] = new JsonArray((webhook.Headers ?? new Dictionary<string, string>()).Keys.Order()
                .Select(k => (JsonNode)JsonValue.Create(k)).ToArray());
        foreach (var secret in Secrets.GetValueOrDefault(type, []))
            json.Remove(secret);
        foreach (var empty in json.Where(p => p.Value is null).Select(p => p.Key).ToList())
            json.Remove(empty);
        return json;
    }

    static T? Deserialize<T>(JsonElement json) where T : class
    {
        try
        {
            return json.Deserialize<T>(Strict);
        }
        catch (JsonException ex)
        {
            // Re-rooted at the request body, so the problem says "$.settings.headers", not "$.headers".
            var path = ex.Path is null or "$" ? "$.settings" : "$.settings" + ex.Path[1..];
            throw new JsonException(ex.Message, path, ex.LineNumber, ex.BytePositionInLine, ex);
        }
    }

    static void Url(string? url, string field, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(url))
            fail(field, $"{Pascal(field)} is required.");
        else if (url.Length > 2048)
            fail(field, $"{Pascal(field)} must be at most 2048 characters.");
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            fail(field, $"{Pascal(field)} must be an absolute http or https URL.");
    }

    static void OptionalUrl(string? url, string field, Action<string, string> fail)
    {
        if (url is not null)
            Url(url, field, fail);
    }

    static void Text(string? value, string field, int max, Action<string, string> fail, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required || value is not null)
                fail(field, required ? $"{Pascal(field)} is required." : $"{Pascal(field)} must not be empty; leave it out instead.");
        }
        else if (value.Length > max)
            fail(field, $"{Pascal(field)} must be at most {max} characters.");
        else if (value.Any(char.IsControl))
            fail(field, $"{Pascal(field)} must not contain control characters.");
    }

    static void Host(string? host, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            fail("host", "Host must be a host name or IP address, e.g. smtp.example.com.");
    }

    static void Headers(IReadOnlyDictionary<string, string>? headers, Action<string, string> fail)
    {
        headers ??= new Dictionary<string, string>();
        if (headers.Count > 50)
            fail("headers", "At most 50 headers are allowed.");
        foreach (var (header, value) in headers)
        {
            if (header.Length is 0 or > 256 || !header.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
                fail("headers", $"Header name '{header}' is not a valid HTTP header name.");
            if (value is null)
                fail("headers", $"Header '{header}' needs a string value.");
            else if (value.Any(c => c is '\r' or '\n'))
                fail("headers", $"Header '{header}' must not contain line breaks.");
        }
    }

    static void BodyTemplate(string? template, Action<string, string> fail)
    {
        if (template is null)
            return;
        if (template.Length > 10_000)
        {
            fail("bodyTemplate", "BodyTemplate must be at most 10000 characters.");
            return;
        }
        if (MessagePlaceholders.Unknown(template) is { Count: > 0 } unknown)
        {
            fail("bodyTemplate", $"Unknown placeholder(s) {string.Join(", ", unknown.Select(u => $"{{{{{u}}}}}"))}; known: {string.Join(", ", MessagePlaceholders.Names)}.");
            return;
        }
        try
        {
            // Placeholders stand inside JSON strings; with sample values the template must be JSON.
            using var _ = JsonDocument.Parse(MessagePlaceholders.Pattern().Replace(template, "x"));
        }
        catch (JsonException ex)
        {
            fail("bodyTemplate", $"BodyTemplate must be JSON once placeholders are filled: {ex.Message}");
        }
    }

    static string Pascal(string field) => char.ToUpperInvariant(field[0]) + field[1..];

    [GeneratedRegex(@"^\d{3,}:[A-Za-z0-9_-]{20,}$")]
    private static partial Regex BotTokenPattern();

    [GeneratedRegex(@"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,})$")]
    private static partial Regex ChatIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex TopicPattern();

    [GeneratedRegex(@"^[!#][^:\s]+:[^\s]+$")]
    private static partial Regex RoomIdPattern();

    [GeneratedRegex(@"^\+[1-9]\d{1,14}$")]
    private static partial Regex PhonePattern();
}
