using Sentinel.AlertEvaluation;
using Sentinel.AlertEvaluation.Escalation;
using Sentinel.AlertEvaluation.Heartbeats;
using Sentinel.AlertEvaluation.Incidents;
using Sentinel.AlertEvaluation.Locations;
using Sentinel.AlertEvaluation.Maintenance;
using Sentinel.AlertEvaluation.Monitors;
using Sentinel.AlertEvaluation.RateLimiting;
using Sentinel.AlertEvaluation.Rounds;
using Sentinel.AlertEvaluation.Rules;
using Sentinel.AlertEvaluation.Slos;
using Sentinel.AlertEvaluation.State;
using Sentinel.ServiceDefaults;
using Sentinel.ServiceDefaults.Data;
using Sentinel.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddSentinelDefaults();
builder.AddSentinelDatabase<AlertingDb>(AlertingDb.Schema);
builder.AddSentinelBus("AlertEvaluation", x =>
{
    x.AddResultConsumers(); // MonitorCheckedPacked, MonitorCheckedBatch and MonitorChecked, see State/MonitorCheckedBatchConsumer.cs
    x.AddConsumer<MonitorUpsertedConsumer>();
    x.AddConsumer<MonitorDeletedConsumer>();
    x.AddConsumer<EscalationPolicyUpsertedConsumer>();
    x.AddConsumer<EscalationPolicyDeletedConsumer>();
    x.AddConsumer<AlertRuleUpsertedConsumer>();
    x.AddConsumer<AlertRuleDeletedConsumer>();
    x.AddConsumer<MaintenanceWindowUpsertedConsumer>();
    x.AddConsumer<MaintenanceWindowDeletedConsumer>();
    x.AddConsumer<SloUpsertedConsumer>();
    x.AddConsumer<SloDeletedConsumer>();
    x.AddHeartbeatConsumers(); // pings, deadline misses, flips: see Heartbeats/
    x.AddConsumer<CheckerStatusConsumer>(); // Checkers' health per location: see Locations/
});
builder.Services.AddSingleton<RedisConnection>();
builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, ["ready"]);
builder.Services.AddSingleton<AlertRateLimiter>();
builder.Services.AddScoped<AlertDispatcher>();
builder.Services.AddScoped<ResultEvaluation>();
builder.Services.AddScoped<HeartbeatEvaluation>();
builder.Services.AddScoped<DueWork>();
builder.Services.AddScoped<RoundTracker>();
builder.Services.AddScoped<LocationWatch>();
builder.Services.AddHostedService<AlertClock>();
builder.Services.AddSingleton<IncidentMetrics>();
builder.Services.AddSloAlerting(); // burn-rate alerts, see Slos/

var app = builder.Build();
app.MapSentinelDefaults();
app.Services.GetRequiredService<IncidentMetrics>().Register();
app.MapIncidentEndpoints();
app.MapHeartbeatEndpoints();
app.MapRoundEndpoints();
app.MapLocationEndpoints();
await app.RunOrMigrateAsync(args, DatabaseExtensions.MigrateAsync<AlertingDb>);

public partial class Program;
