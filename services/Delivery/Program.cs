using Sentinel.Contracts;
using Sentinel.Delivery;
using Sentinel.Delivery.Channels;
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
    x.AddConsumer<SendNotificationConsumer>().Endpoint(e =>
    {
        e.Name = Queues.SendNotification;
        // Sends wait on the network, not the CPU: many in flight at once (a slow channel holds at most its own
        // PerChannelConcurrency of them).
        e.PrefetchCount = builder.Configuration.GetValue("Delivery:ConsumerConcurrency", 128);
        e.ConcurrentMessageLimit = builder.Configuration.GetValue("Delivery:ConsumerConcurrency", 128);
    });
});
builder.AddNotificationChannels();

var app = builder.Build();
app.MapSentinelDefaults();
app.MapListDeliveries();
app.MapTestChannel();

await app.RunOrMigrateAsync(args, DatabaseExtensions.MigrateAsync<DeliveryDb>);

public partial class Program;
