using MassTransit;
using Sentinel.ServiceDefaults;
using Sentinel.ServiceDefaults.Data;
using Sentinel.ServiceDefaults.Messaging;
using Sentinel.TelemetryIngest;
using Sentinel.TelemetryIngest.Ingest;
using Sentinel.TelemetryIngest.Results;

var builder = WebApplication.CreateBuilder(args);
builder.AddSentinelDefaults();
builder.AddSentinelDatabase<TelemetryDb>(TelemetryDb.Schema);
builder.AddSentinelBus("TelemetryIngest", x => x.AddConsumer<MonitorCheckedConsumer, MonitorCheckedConsumerDefinition>());
builder.Services.AddScoped<PingResultWriter>();

var app = builder.Build();
app.MapSentinelDefaults();
app.MapGetResults();

await app.RunOrMigrateAsync(args, DatabaseExtensions.MigrateAsync<TelemetryDb>);

public partial class Program;
