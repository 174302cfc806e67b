using MassTransit;
using Sentinel.ServiceDefaults;
using Sentinel.ServiceDefaults.Data;
using Sentinel.ServiceDefaults.Messaging;
using Sentinel.TelemetryIngest;
using Sentinel.TelemetryIngest.Ingest;
using Sentinel.TelemetryIngest.Maintenance;
using Sentinel.TelemetryIngest.Pings;
using Sentinel.TelemetryIngest.Results;
using Sentinel.TelemetryIngest.Slos;
using Sentinel.TelemetryIngest.Stats;

var builder = WebApplication.CreateBuilder(args);
builder.AddSentinelDefaults();
builder.AddSentinelDatabase<TelemetryDb>(TelemetryDb.Schema);
builder.AddSentinelBus("TelemetryIngest", x =>
{
    x.AddConsumer<MonitorCheckedConsumer, MonitorCheckedConsumerDefinition>();
    x.AddConsumer<MonitorCheckedBatchConsumer, MonitorCheckedBatchConsumerDefinition>();
    x.AddConsumer<HeartbeatsReceivedConsumer, HeartbeatsReceivedConsumerDefinition>();
});
builder.Services.AddScoped<PingResultWriter>();
builder.Services.AddScoped<HeartbeatPingWriter>();
builder.AddTelemetryMaintenance();
builder.Services.AddScoped<StatsReader>();
builder.Services.AddScoped<SloReader>();

var app = builder.Build();
app.MapSentinelDefaults();
app.MapGetResults();
app.MapGetStats();
app.MapGetPings();
app.MapGetSloFigures();

await app.RunOrMigrateAsync(args, DatabaseExtensions.MigrateAsync<TelemetryDb>);

public partial class Program;
