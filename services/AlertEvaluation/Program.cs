using Sentinel.AlertEvaluation;
using Sentinel.AlertEvaluation.Incidents;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.State;
using Sentinel.ServiceDefaults;
using Sentinel.ServiceDefaults.Data;
using Sentinel.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddSentinelDefaults();
builder.AddSentinelDatabase<AlertingDb>(AlertingDb.Schema);
builder.AddSentinelBus("AlertEvaluation", x =>
{
    x.AddConsumer<MonitorCheckedConsumer>(typeof(MonitorCheckedConsumerDefinition));
    x.AddConsumer<MonitorUpsertedConsumer>();
    x.AddConsumer<MonitorDeletedConsumer>();
});

var app = builder.Build();
app.MapSentinelDefaults();
app.MapIncidentEndpoints();
await app.RunOrMigrateAsync(args, DatabaseExtensions.MigrateAsync<AlertingDb>);

public partial class Program;
