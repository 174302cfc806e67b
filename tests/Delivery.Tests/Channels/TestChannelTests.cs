using System.Net;
using System.Net.Http.Json;
using Sentinel.Contracts;
using Sentinel.Delivery.Channels;
using Sentinel.Delivery.Channels.Webhook;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Channels;

public sealed class TestChannelTests
{
    [Test]
    public async Task A_test_send_reports_the_receivers_answer_and_records_no_delivery()
    {
        var hook = Receiver.NewHook(new Reply(401, TimeSpan.Zero, """{"error":"invalid_token"}"""));
        var channel = await WebhookChannelAsync(hook);
        using var http = Factory.CreateClient();

        var response = await http.PostAsync($"/internal/tenants/{channel.TenantId}/channels/{channel.ChannelId}/test", null);

        var result = await response.Content.ReadFromJsonAsync<ChannelTestResult>();
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(result!.Delivered, Is.False);
            Assert.That(result.StatusCode, Is.EqualTo(401));
            Assert.That(result.Error, Does.Contain("invalid_token"));
            Assert.That(Receiver.RequestsTo(hook).Single().Body, Does.Contain("\"event\":\"test\""));
            Assert.That(await Database.CountAsync($"select count(*) from delivery.deliveries where channel_id = '{channel.ChannelId}'"), Is.Zero);
        });
    }

    [Test]
    public async Task A_channel_of_another_tenant_is_not_found()
    {
        var channel = await WebhookChannelAsync(Receiver.NewHook());
        using var http = Factory.CreateClient();

        var response = await http.PostAsync($"/internal/tenants/{Guid.NewGuid()}/channels/{channel.ChannelId}/test", null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_webhook_with_a_secret_is_signed_and_a_body_template_is_filled_with_JSON_escaped_values()
    {
        var hook = Receiver.NewHook();
        var channel = await ChannelAsync(ChannelKinds.Webhook, new WebhookChannelSettings(hook, new Dictionary<string, string>(),
            "hmac-key", """{"text": "{{monitor.name}} is {{status}}: {{error}}", "tags": "{{tags}}"}"""));
        var command = DownNotification(channel) with { Error = "said \"no\"", Tags = ["prod"] };

        await SendAsync(command);
        await FinalDeliveryAsync(command.NotificationId);

        var request = Receiver.RequestsTo(hook).Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Body, Is.EqualTo("""{"text": "api is down: said \"no\"", "tags": "prod"}"""));
            Assert.That(request.Headers[WebhookChannel.SignatureHeader],
                Is.EqualTo(WebhookChannel.Sign("hmac-key", System.Text.Encoding.UTF8.GetBytes(request.Body))));
        });
    }
}
