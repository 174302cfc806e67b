using MassTransit;
using Sentinel.Gateway;
using Sentinel.Gateway.Events;
using Sentinel.Gateway.Heartbeats;
using Sentinel.Gateway.Monitors;
using Sentinel.ServiceDefaults;
using Sentinel.ServiceDefaults.Data;
using Sentinel.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddSentinelDefaults();
builder.AddSentinelDatabase<CatalogDb>(CatalogDb.Schema);
builder.AddSentinelBus("Gateway", x =>
{
    x.AddConsumer<MonitorStatusChangedConsumer, MonitorStatusChangedConsumerDefinition>();
    x.AddLiveEvents();
    x.AddPingTargetEvictions();
});
builder.Services.AddGatewayApi();

var app = builder.Build();
app.UsePingPipeline();
app.MapSentinelDefaults();
app.MapGatewayApi();

await app.RunOrMigrateAsync(args, DatabaseExtensions.MigrateAsync<CatalogDb>);

public partial class Program;
