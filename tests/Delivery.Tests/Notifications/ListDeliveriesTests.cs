using System.Net;
using System.Net.Http.Json;
using Sentinel.Delivery.Notifications;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Notifications;

public sealed class ListDeliveriesTests
{
    [Test]
    public async Task Deliveries_are_listed_newest_first_in_pages_and_filtered_by_incident()
    {
        var channel = await WebhookChannelAsync(Receiver.NewHook());
        var commands = new List<Sentinel.Contracts.SendNotification>();
        for (var i = 0; i < 3; i++)
        {
            var command = DownNotification(channel);
            commands.Add(command);
            await SendAsync(command);
            await FinalDeliveryAsync(command.NotificationId);
        }
        using var http = Factory.CreateClient();
        var url = $"/internal/tenants/{channel.TenantId}/deliveries";

        var first = await http.GetFromJsonAsync<DeliveryPage>($"{url}?limit=2");
        var second = await http.GetFromJsonAsync<DeliveryPage>($"{url}?limit=2&cursor={first!.NextCursor}");
        var byIncident = await http.GetFromJsonAsync<DeliveryPage>($"{url}?incidentId={commands[1].IncidentId}");
        var otherChannel = await http.GetFromJsonAsync<DeliveryPage>($"{url}?channelId={Guid.NewGuid()}");

        Assert.Multiple(() =>
        {
            Assert.That(first.Items.Select(d => d.NotificationId),
                Is.EqualTo(new[] { commands[2].NotificationId, commands[1].NotificationId }));
            Assert.That(first.NextCursor, Is.Not.Null);
            Assert.That(second!.Items.Select(d => d.NotificationId), Is.EqualTo(new[] { commands[0].NotificationId }));
            Assert.That(second.NextCursor, Is.Null);
            Assert.That(byIncident!.Items.Single().NotificationId, Is.EqualTo(commands[1].NotificationId));
            Assert.That(otherChannel!.Items, Is.Empty);
        });
        var item = byIncident!.Items.Single();
        Assert.Multiple(() =>
        {
            Assert.That(item.ChannelId, Is.EqualTo(channel.ChannelId));
            Assert.That(item.IncidentId, Is.EqualTo(commands[1].IncidentId));
            Assert.That(item.MonitorId, Is.EqualTo(commands[1].MonitorId));
            Assert.That(item.Event, Is.EqualTo("down"));
            Assert.That(item.Status, Is.EqualTo("delivered"));
            Assert.That(item.Attempts, Is.EqualTo(1));
            Assert.That(item.LastStatusCode, Is.EqualTo(200));
            Assert.That(item.DeliveredAt, Is.Not.Null);
        });
    }

    [Test]
    public async Task Another_tenants_deliveries_are_not_listed()
    {
        var channel = await WebhookChannelAsync(Receiver.NewHook());
        var command = DownNotification(channel);
        await SendAsync(command);
        await FinalDeliveryAsync(command.NotificationId);
        using var http = Factory.CreateClient();

        var page = await http.GetFromJsonAsync<DeliveryPage>($"/internal/tenants/{Guid.NewGuid()}/deliveries");

        Assert.That(page!.Items, Is.Empty);
    }

    [TestCase("cursor=not-a-cursor")]
    [TestCase("limit=0")]
    public async Task A_bad_query_is_a_validation_problem(string query)
    {
        using var http = Factory.CreateClient();

        var response = await http.GetAsync($"/internal/tenants/{Guid.NewGuid()}/deliveries?{query}");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        });
    }

    [Test]
    public void A_cursor_survives_its_round_trip()
    {
        var cursor = new DeliveryCursor(new DateTimeOffset(2026, 11, 23, 5, 0, 0, 123, TimeSpan.Zero).AddTicks(4560), Guid.NewGuid());

        Assert.That(DeliveryCursor.Parse(cursor.Format()), Is.EqualTo(cursor));
    }
}
