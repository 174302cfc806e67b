using Sentinel.Contracts;
using Sentinel.Delivery;
using Sentinel.Delivery.Channels;
using Sentinel.Delivery.Channels.Webhook;
using Sentinel.Delivery.Notifications;
using Sentinel.ServiceDefaults;
using Sentinel.ServiceDefaults.Data;
using Sentinel.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddSentinelDefaults();
builder.AddSentinelDatabase<DeliveryDb>("delivery");
builder.AddSentinelBus("Delivery", x =>
{
    x.AddConsumer<ChannelUpsertedConsumer>();
    x.AddConsumer<ChannelDeletedConsumer>();
    x.AddConsumer<SendNotificationConsumer>().Endpoint(e => e.Name = Queues.SendNotification);
});
builder.AddWebhookChannel();

var app = builder.Build();
app.MapSentinelDefaults();
app.MapListDeliveries();

await app.RunOrMigrateAsync(args, DatabaseExtensions.MigrateAsync<DeliveryDb>);

public partial class Program;
