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
        // The consumer only records the delivery (batched with the others in flight) and wakes the SendLoop, so
        // many in flight at once make big batches; the sends themselves are the SendLoop's (SendConcurrency).
        e.PrefetchCount = builder.Configuration.GetValue("Delivery:ConsumerConcurrency", 512);
        e.ConcurrentMessageLimit = builder.Configuration.GetValue("Delivery:ConsumerConcurrency", 512);
    });
});
builder.AddNotificationChannels();

var app = builder.Build();
app.MapSentinelDefaults();
app.MapListDeliveries();
app.MapTestChannel();

await app.RunOrMigrateAsync(args, DatabaseExtensions.MigrateAsync<DeliveryDb>);

public partial class Program;
