using System.Net;
using Sentinel.Contracts;
using Sentinel.Gateway.Channels;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Channels;

public sealed class ChannelKindsTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient() => api = Client(BootstrapSecret);

    [TearDown]
    public void DisposeClient() => api.Dispose();

    /// One valid channel per kind; every secret value contains "s3cret" so a test can look for it.
    public static readonly object[] ValidKinds =
    [
        new object[] { ChannelKinds.Webhook, """{ "url": "https://h.test/x", "headers": { "Authorization": "s3cret-h" }, "secret": "s3cret-hmac", "bodyTemplate": "{\"text\": \"{{monitor.name}} is {{status}}\"}" }""" },
        new object[] { ChannelKinds.Email, """{ "host": "smtp.example.com", "port": 587, "security": "starttls", "username": "alerts", "password": "s3cret-pw", "from": "Sentinel <alerts@example.com>", "to": ["ops@example.com"] }""" },
        new object[] { ChannelKinds.Slack, """{ "webhookUrl": "https://hooks.slack.com/services/T0/B0/s3cret", "channel": "#ops" }""" },
        new object[] { ChannelKinds.Discord, """{ "webhookUrl": "https://discord.com/api/webhooks/1/s3cret" }""" },
        new object[] { ChannelKinds.Teams, """{ "webhookUrl": "https://example.webhook.office.com/s3cret" }""" },
        new object[] { ChannelKinds.Telegram, """{ "botToken": "123456:AAEs3cretAAAAAAAAAAAAAAAAAA", "chatId": "-1001234567890" }""" },
        new object[] { ChannelKinds.PagerDuty, """{ "routingKey": "s3cretroutingkey", "severity": "error" }""" },
        new object[] { ChannelKinds.Opsgenie, """{ "apiKey": "s3cret-key", "apiUrl": "https://api.eu.opsgenie.com", "priority": "P2" }""" },
        new object[] { ChannelKinds.Pushover, """{ "userKey": "s3cret-user", "appToken": "s3cret-app", "priority": 1 }""" },
        new object[] { ChannelKinds.Ntfy, """{ "topic": "ops-alerts", "serverUrl": "https://ntfy.example.com", "accessToken": "s3cret-tk" }""" },
        new object[] { ChannelKinds.Gotify, """{ "serverUrl": "https://gotify.example.com", "appToken": "s3cret-app" }""" },
        new object[] { ChannelKinds.Mattermost, """{ "webhookUrl": "https://mm.example.com/hooks/s3cret" }""" },
        new object[] { ChannelKinds.GoogleChat, """{ "webhookUrl": "https://chat.googleapis.com/v1/spaces/X/messages?key=s3cret" }""" },
        new object[] { ChannelKinds.RocketChat, """{ "webhookUrl": "https://rc.example.com/hooks/s3cret" }""" },
        new object[] { ChannelKinds.Matrix, """{ "homeserverUrl": "https://matrix.example.org", "accessToken": "s3cret-at", "roomId": "!abc:example.org" }""" },
        new object[] { ChannelKinds.Twilio, """{ "accountSid": "AC123", "authToken": "s3cret-tw", "from": "+15550001111", "to": "+15550002222" }""" },
    ];

    [TestCaseSource(nameof(ValidKinds))]
    public async Task Every_kind_is_created_its_secrets_go_only_to_Delivery_and_are_never_returned(string type, string settings)
    {
        var response = await api.PostAsync("/api/v1/channels", Expect.Json($$"""{ "name": "{{type}}", "type": "{{type}}", "settings": {{settings}} }"""));

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        var channel = JsonSerializer.Deserialize<ChannelResponse>(text, JsonSerializerOptions.Web)!;
        Assert.Multiple(async () =>
        {
            Assert.That(text, Does.Not.Contain("s3cret"));
            Assert.That(await api.GetStringAsync($"/api/v1/channels/{channel.Id}"), Does.Not.Contain("s3cret"));
            Assert.That(await Db.CountAsync($"select count(*) from gateway.channels where id = '{channel.Id}' and settings::text like '%s3cret%'"),
                Is.Zero, "the catalog keeps no secret");
            Assert.That(await Db.CountAsync(
                $"select count(*) from gateway.outbox where body->>'channelId' = '{channel.Id}' and body->>'settingsJson' like '%s3cret%'"),
                Is.EqualTo(1), "Delivery gets the secrets through the event");
        });
    }

    [Test]
    public async Task Public_settings_are_returned_and_secrets_are_left_out()
    {
        var response = await api.PostAsync("/api/v1/channels", Expect.Json("""
            { "name": "mail", "type": "email", "settings": { "host": "smtp.example.com", "username": "u", "password": "pw-s3cret",
              "from": "alerts@example.com", "to": ["a@example.com", "b@example.com"] } }
            """));
        var channel = (await response.Content.ReadFromJsonAsync<ChannelResponse>())!;

        Assert.Multiple(() =>
        {
            Assert.That(channel.Type, Is.EqualTo("email"));
            Assert.That(channel.Settings.GetProperty("host").GetString(), Is.EqualTo("smtp.example.com"));
            Assert.That(channel.Settings.GetProperty("to").GetArrayLength(), Is.EqualTo(2));
            Assert.That(channel.Settings.TryGetProperty("password", out _), Is.False);
        });
    }

    [TestCase("""{ "name": "a", "type": "slack", "settings": { "webhookUrl": "ftp://x" } }""", "settings.webhookUrl")]
    [TestCase("""{ "name": "a", "type": "slack", "settings": { } }""", "settings.webhookUrl")]
    [TestCase("""{ "name": "a", "type": "email", "settings": { "host": "smtp.example.com", "from": "not an address", "to": ["a@example.com"] } }""", "settings.from")]
    [TestCase("""{ "name": "a", "type": "email", "settings": { "host": "smtp.example.com", "from": "a@example.com", "to": [] } }""", "settings.to")]
    [TestCase("""{ "name": "a", "type": "email", "settings": { "host": "smtp.example.com", "from": "a@example.com", "to": ["a@example.com"], "security": "tls" } }""", "settings.security")]
    [TestCase("""{ "name": "a", "type": "telegram", "settings": { "botToken": "nope", "chatId": "1" } }""", "settings.botToken")]
    [TestCase("""{ "name": "a", "type": "telegram", "settings": { "botToken": "123456:AAEAAAAAAAAAAAAAAAAAAAAAAAA", "chatId": "chat" } }""", "settings.chatId")]
    [TestCase("""{ "name": "a", "type": "pagerduty", "settings": { "routingKey": "k", "severity": "urgent" } }""", "settings.severity")]
    [TestCase("""{ "name": "a", "type": "opsgenie", "settings": { "apiKey": "k", "priority": "P9" } }""", "settings.priority")]
    [TestCase("""{ "name": "a", "type": "pushover", "settings": { "userKey": "u", "appToken": "t", "priority": 3 } }""", "settings.priority")]
    [TestCase("""{ "name": "a", "type": "ntfy", "settings": { "topic": "has spaces" } }""", "settings.topic")]
    [TestCase("""{ "name": "a", "type": "matrix", "settings": { "homeserverUrl": "https://m.org", "accessToken": "t", "roomId": "room" } }""", "settings.roomId")]
    [TestCase("""{ "name": "a", "type": "twilio", "settings": { "accountSid": "AC1", "authToken": "t", "from": "+15550001111", "to": "5550002222" } }""", "settings.to")]
    [TestCase("""{ "name": "a", "type": "webhook", "settings": { "url": "https://h.test", "bodyTemplate": "{\"m\": \"{{monitor.nam}}\"}" } }""", "settings.bodyTemplate")]
    [TestCase("""{ "name": "a", "type": "webhook", "settings": { "url": "https://h.test", "bodyTemplate": "not json {{status}}" } }""", "settings.bodyTemplate")]
    public async Task An_invalid_kind_setting_is_a_validation_problem_naming_the_field(string body, string field)
    {
        var response = await Expect.NothingStoredAsync(() => api.PostAsync("/api/v1/channels", Expect.Json(body)));
        await Expect.ValidationAsync(response, field);
    }

    [Test]
    public async Task A_setting_of_another_kind_is_a_malformed_request_naming_it()
    {
        var response = await api.PostAsync("/api/v1/channels",
            Expect.Json("""{ "name": "a", "type": "discord", "settings": { "webhookUrl": "https://d.test", "channel": "#x" } }"""));
        await Expect.MalformedAsync(response, "Unknown property 'channel' at $.settings.channel");
    }

    [Test]
    public async Task Put_can_change_the_kind_and_the_new_settings_replace_the_old()
    {
        var created = await ChannelEndpointsTests.CreateAsync(api);

        var put = await api.PutAsync($"/api/v1/channels/{created.Id}",
            Expect.Json("""{ "name": "now ntfy", "type": "ntfy", "settings": { "topic": "ops" } }"""));

        var replaced = (await put.Content.ReadFromJsonAsync<ChannelResponse>())!;
        Assert.Multiple(() =>
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(replaced.Type, Is.EqualTo("ntfy"));
            Assert.That(replaced.Settings.GetProperty("topic").GetString(), Is.EqualTo("ops"));
            Assert.That(replaced.Settings.TryGetProperty("url", out _), Is.False);
        });
    }
}
