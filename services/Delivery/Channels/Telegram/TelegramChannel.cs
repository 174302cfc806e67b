using System.Globalization;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Sentinel.Delivery.Channels.Telegram;

/// Telegram Bot API through Telegram.Bot, HTML parse mode. ApiUrl points it at a self-hosted Bot API server (or, in
/// tests, a fake on loopback). The library's own 429 retry is off: our durable retries honour retry_after instead.
public sealed class TelegramChannel(IHttpClientFactory httpClients) : INotificationChannel
{
    public const string DefaultApiUrl = "https://api.telegram.org";

    public string Type => ChannelKinds.Telegram;

    public async Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<TelegramChannelSettings>();
        if (settings is null || string.IsNullOrWhiteSpace(settings.ChatId) || !ChannelHttp.TryUrl(settings.ApiUrl ?? DefaultApiUrl, out var api))
            return SendResult.BadSettings(Type);
        TelegramBotClientOptions options;
        try
        {
            options = new TelegramBotClientOptions(settings.BotToken, api.GetLeftPart(UriPartial.Authority))
            {
                RetryThreshold = 0,
                RetryCount = 0,
            };
        }
        catch (ArgumentException)
        {
            return SendResult.Permanent(null, "the telegram bot token or API URL is malformed");
        }

        var client = httpClients.CreateClient(ChannelHttp.ClientName);
        var bot = new TelegramBotClient(options, client, ct);
        ChatId chat = long.TryParse(settings.ChatId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
            ? new ChatId(id)
            : new ChatId(settings.ChatId);
        try
        {
            await bot.SendMessage(chat, Html(message), ParseMode.Html,
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true },
                messageThreadId: settings.MessageThreadId,
                cancellationToken: ct);
            return SendResult.Delivered(200);
        }
        catch (ApiRequestException ex)
        {
            var error = $"Telegram {ex.ErrorCode}: {ex.Message}";
            return ex.ErrorCode is 429 or >= 500 or 0
                ? SendResult.Transient(ex.ErrorCode == 0 ? null : ex.ErrorCode, error,
                    ex.Parameters?.RetryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null)
                : SendResult.Permanent(ex.ErrorCode, error);
        }
        catch (RequestException ex) when (!ct.IsCancellationRequested)
        {
            return SendResult.Transient(ex.HttpStatusCode is { } status ? (int)status : null, $"Telegram request failed: {ex.Message}");
        }
    }

    /// Telegram's HTML subset: b, i, a, code, pre. Everything else is escaped.
    public static string Html(NotificationMessage m)
    {
        var lines = new List<string> { $"<b>{NotificationMessage.HtmlEscape(m.Title)}</b>", NotificationMessage.HtmlEscape(m.Text), "" };
        lines.AddRange(m.Fields.Select(f => $"<b>{NotificationMessage.HtmlEscape(f.Name)}:</b> {NotificationMessage.HtmlEscape(f.Value)}"));
        if (!m.IsTest)
            lines.Add($"\n<a href=\"{NotificationMessage.HtmlEscape(m.IncidentUrl)}\">View incident</a>");
        return string.Join('\n', lines);
    }
}
