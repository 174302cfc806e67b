using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.Delivery.Channels;
using Sentinel.Delivery.Channels.Email;
using Sentinel.Delivery.Notifications;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Channels;

/// What each kind sends for down, up and escalation, byte for byte against reviewed files in Golden/ (checked to
/// render well on the real platform). Set SENTINEL_UPDATE_GOLDEN=1 to rewrite them after an intended change, then
/// review the diff.
public sealed class GoldenPayloadTests
{
    static readonly DateTimeOffset FirstFailure = new(2026, 11, 23, 5, 0, 0, TimeSpan.Zero);
    static readonly Guid IncidentId = Guid.Parse("0193a5f0-0000-7000-8000-00000000000a");
    static readonly Guid MonitorId = Guid.Parse("0193a5f0-0000-7000-8000-00000000000b");
    static readonly Guid ChannelId = Guid.Parse("0193a5f0-0000-7000-8000-00000000000c");
    static readonly Guid TenantId = Guid.Parse("0193a5f0-0000-7000-8000-00000000000d");

    public static IEnumerable<TestCaseData> Cases() =>
        from kind in ChannelKinds.All.Where(k => k != ChannelKinds.Email)
        from @event in new[] { NotificationEvents.Down, NotificationEvents.Up, NotificationEvents.Escalation }
        select new TestCaseData(kind, @event).SetName($"{kind}_{@event}_payload_matches_its_golden_file");

    public static SendNotification Notification(string @event) => @event switch
    {
        NotificationEvents.Up => Base(@event, MonitorStatuses.Up, null, FirstFailure.AddMinutes(12).AddSeconds(10)) with
        {
            ResolvedAt = FirstFailure.AddMinutes(12).AddSeconds(10),
        },
        NotificationEvents.Escalation => Base(@event, MonitorStatuses.Down, "HTTP 503 Service Unavailable", FirstFailure.AddMinutes(15)) with
        {
            EscalationLevel = 2,
        },
        _ => Base(@event, MonitorStatuses.Down, "HTTP 503 Service Unavailable", FirstFailure.AddMinutes(2).AddSeconds(10)),
    };

    static SendNotification Base(string @event, string status, string? error, DateTimeOffset at) =>
        new(DeterministicGuid.ForNotification(IncidentId, @event, ChannelId), TenantId, ChannelId, IncidentId, MonitorId,
            "checkout-api", @event, status, error, null, FirstFailure, null, at, Tags: ["prod", "payments"]);

    [TestCaseSource(nameof(Cases))]
    public async Task Payload(string kind, string @event)
    {
        var prefix = $"/g-{Guid.NewGuid():N}";
        var root = Receiver.BaseUrl + prefix;
        var telegramToken = $"123456:AAE{Guid.NewGuid():N}";
        object settings = kind switch
        {
            ChannelKinds.Webhook => new WebhookChannelSettings(root + "/hook", new Dictionary<string, string>()),
            ChannelKinds.Slack => new SlackChannelSettings(root + "/slack", "#ops"),
            ChannelKinds.Discord => new DiscordChannelSettings(root + "/discord"),
            ChannelKinds.Teams => new TeamsChannelSettings(root + "/teams"),
            ChannelKinds.Telegram => new TelegramChannelSettings(telegramToken, "-100123", Receiver.BaseUrl),
            ChannelKinds.PagerDuty => new PagerDutyChannelSettings("routing-key-1", root),
            ChannelKinds.Opsgenie => new OpsgenieChannelSettings("genie-key-1", root),
            ChannelKinds.Pushover => new PushoverChannelSettings("user-key-1", "app-token-1", root),
            ChannelKinds.Ntfy => new NtfyChannelSettings("ops-alerts", root),
            ChannelKinds.Gotify => new GotifyChannelSettings(root, "gotify-token-1"),
            ChannelKinds.Mattermost => new MattermostChannelSettings(root + "/mattermost"),
            ChannelKinds.GoogleChat => new GoogleChatChannelSettings(root + "/chat"),
            ChannelKinds.RocketChat => new RocketChatChannelSettings(root + "/rocket"),
            ChannelKinds.Matrix => new MatrixChannelSettings(root, "matrix-token-1", "!room:example.org"),
            ChannelKinds.Twilio => new TwilioChannelSettings("AC0001", "twilio-token-1", "+15550001111", "+15550002222", root),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var channel = Factory.Services.GetServices<INotificationChannel>().Single(k => k.Type == kind);
        var target = new ChannelTarget(ChannelId, TenantId, "golden", kind, JsonSerializer.Serialize(settings, settings.GetType(), JsonSerializerOptions.Web));

        var result = await channel.SendAsync(target, NotificationMessage.From(Notification(@event), "https://sentinel.example/incidents/{incidentId}"), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(SendOutcome.Delivered), result.Error);
        var telegramPath = $"/bot{telegramToken}/sendMessage";
        var request = kind == ChannelKinds.Telegram
            ? Receiver.RequestsTo(telegramPath).Single()
            : Receiver.AllRequests().Single(r => r.Path.StartsWith(prefix, StringComparison.Ordinal));
        string Normalize(string text) => text.Replace(Receiver.BaseUrl, "http://receiver").Replace(prefix, "")
            .Replace(telegramToken, "123456:AAE-token");
        var actual = new JsonObject
        {
            ["method"] = request.Method,
            ["path"] = Normalize(request.Path) + request.Query,
            ["contentType"] = request.Headers.GetValueOrDefault("Content-Type"),
            ["body"] = request.Headers.GetValueOrDefault("Content-Type", "").StartsWith("application/json", StringComparison.Ordinal)
                ? JsonNode.Parse(Normalize(request.Body))
                : Normalize(Uri.UnescapeDataString(request.Body.Replace('+', ' '))),
        };
        AssertGolden($"{kind}.{@event}.json", actual.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n");
    }

    [TestCase(NotificationEvents.Down)]
    [TestCase(NotificationEvents.Up)]
    [TestCase(NotificationEvents.Escalation)]
    public void Email_parts_match_their_golden_files(string @event)
    {
        var message = NotificationMessage.From(Notification(@event), "https://sentinel.example/incidents/{incidentId}");
        AssertGolden($"email.{@event}.txt", EmailChannel.Text(message));
        AssertGolden($"email.{@event}.html", EmailChannel.Html(message) + "\n");
    }

    static void AssertGolden(string file, string actual, [CallerFilePath] string source = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(source)!, "Golden", file);
        if (Environment.GetEnvironmentVariable("SENTINEL_UPDATE_GOLDEN") == "1")
            File.WriteAllText(path, actual);
        Assert.That(File.Exists(path), Is.True, $"golden file {file} is missing (SENTINEL_UPDATE_GOLDEN=1 writes it)");
        Assert.That(actual, Is.EqualTo(File.ReadAllText(path)), $"{file} differs; if intended, rewrite with SENTINEL_UPDATE_GOLDEN=1 and review");
    }
}
