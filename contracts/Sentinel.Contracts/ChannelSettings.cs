namespace Sentinel.Contracts;

// The settings of each channel kind, as they travel in ChannelUpserted.SettingsJson (camelCase JSON). The Gateway
// validates them at write time and keeps none of the secrets; Delivery keeps them encrypted. A base URL member
// (ApiUrl, ServerUrl, …) left null means the provider's public service; set, it points at a self-hosted server or,
// in tests, at loopback. WebhookChannelSettings lives in Catalog.cs.

public static class ChannelKinds
{
    public const string Webhook = "webhook";
    public const string Email = "email";
    public const string Slack = "slack";
    public const string Discord = "discord";
    public const string Teams = "teams";
    public const string Telegram = "telegram";
    public const string PagerDuty = "pagerduty";
    public const string Opsgenie = "opsgenie";
    public const string Pushover = "pushover";
    public const string Ntfy = "ntfy";
    public const string Gotify = "gotify";
    public const string Mattermost = "mattermost";
    public const string GoogleChat = "google-chat";
    public const string RocketChat = "rocket-chat";
    public const string Matrix = "matrix";
    public const string Twilio = "twilio";

    public static readonly IReadOnlyList<string> All =
    [
        Webhook, Email, Slack, Discord, Teams, Telegram, PagerDuty, Opsgenie, Pushover, Ntfy, Gotify, Mattermost,
        GoogleChat, RocketChat, Matrix, Twilio,
    ];
}

/// Security: "starttls" (default, port 587), "ssl" (implicit TLS, port 465) or "none" (port 25).
public sealed record EmailChannelSettings(
    string Host,
    string From,
    IReadOnlyList<string> To,
    int? Port = null,
    string? Security = null,
    string? Username = null,
    string? Password = null,
    bool IgnoreTlsErrors = false);

public sealed record SlackChannelSettings(string WebhookUrl, string? Channel = null, string? Username = null);

public sealed record DiscordChannelSettings(string WebhookUrl, string? Username = null);

/// An incoming webhook or a Power Automate workflow URL; both take an Adaptive Card message.
public sealed record TeamsChannelSettings(string WebhookUrl);

public sealed record TelegramChannelSettings(string BotToken, string ChatId, string? ApiUrl = null, int? MessageThreadId = null);

/// Severity: critical (default), error, warning or info.
public sealed record PagerDutyChannelSettings(string RoutingKey, string? ApiUrl = null, string? Severity = null);

/// ApiUrl: https://api.opsgenie.com (default) or https://api.eu.opsgenie.com. Priority: P1 (default) … P5.
public sealed record OpsgenieChannelSettings(string ApiKey, string? ApiUrl = null, string? Priority = null);

/// Priority: -2 … 2 (default 1 for down, 0 for up).
public sealed record PushoverChannelSettings(
    string UserKey, string AppToken, string? ApiUrl = null, int? Priority = null, string? Device = null);

/// Priority: 1 … 5 (default 5 for down, 3 for up).
public sealed record NtfyChannelSettings(string Topic, string? ServerUrl = null, string? AccessToken = null, int? Priority = null);

public sealed record GotifyChannelSettings(string ServerUrl, string AppToken, int? Priority = null);

public sealed record MattermostChannelSettings(string WebhookUrl, string? Channel = null, string? Username = null);

public sealed record GoogleChatChannelSettings(string WebhookUrl);

public sealed record RocketChatChannelSettings(string WebhookUrl, string? Channel = null, string? Username = null);

public sealed record MatrixChannelSettings(string HomeserverUrl, string AccessToken, string RoomId);

public sealed record TwilioChannelSettings(string AccountSid, string AuthToken, string From, string To, string? ApiUrl = null);
