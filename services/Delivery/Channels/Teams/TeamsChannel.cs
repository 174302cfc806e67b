using System.Text.Json.Nodes;
using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Teams;

/// Microsoft Teams incoming webhook or Workflows URL: a message carrying one Adaptive Card (1.4) with a coloured
/// title, the sentence, a fact set and an "View incident" action.
public sealed class TeamsChannel(ChannelHttp http) : INotificationChannel
{
    public string Type => ChannelKinds.Teams;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<TeamsChannelSettings>();
        if (settings is null || !ChannelHttp.TryUrl(settings.WebhookUrl, out var url))
            return Task.FromResult(SendResult.BadSettings(Type));
        return http.PostJsonAsync(url, Payload(message), message.Source.NotificationId, ct);
    }

    public static JsonObject Payload(NotificationMessage m)
    {
        var facts = new JsonArray(m.Fields.Select(f => (JsonNode)new JsonObject { ["title"] = f.Name, ["value"] = f.Value }).ToArray());
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["msteams"] = new JsonObject { ["width"] = "Full" },
            ["body"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "TextBlock", ["text"] = m.Title, ["size"] = "Large", ["weight"] = "Bolder", ["wrap"] = true,
                    ["color"] = m.Event switch
                    {
                        NotificationEvents.Up => "Good",
                        NotificationEvents.Reminder => "Warning",
                        NotificationText.TestEvent => "Accent",
                        _ => "Attention",
                    },
                },
                new JsonObject { ["type"] = "TextBlock", ["text"] = m.Text, ["wrap"] = true },
                new JsonObject { ["type"] = "FactSet", ["facts"] = facts },
                new JsonObject { ["type"] = "TextBlock", ["text"] = $"Sentinel · {m.Timestamp}", ["isSubtle"] = true, ["size"] = "Small", ["wrap"] = true }),
        };
        if (!m.IsTest)
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "View incident", ["url"] = m.IncidentUrl });
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["contentUrl"] = null,
                ["content"] = card,
            }),
        };
    }
}
