using MassTransit;
using Sentinel.Scheduler;
using Sentinel.Scheduler.Dispatch;
using Sentinel.Scheduler.Heartbeats;
using Sentinel.Scheduler.Schedules;
using Sentinel.ServiceDefaults;
using Sentinel.ServiceDefaults.Data;
using Sentinel.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddSentinelDefaults();
builder.AddSentinelDatabase<SchedulerDb>(SchedulerDb.Schema);
builder.AddSentinelBus("Scheduler", x =>
{
    x.AddConsumer<MonitorUpsertedConsumer>();
    x.AddConsumer<MonitorDeletedConsumer>();
    x.AddConsumer<HeartbeatsReceivedConsumer, HeartbeatsReceivedConsumerDefinition>();
});
builder.Services.AddScoped<CheckDispatcher>();
builder.Services.AddHostedService<DispatchLoop>();
builder.Services.AddScoped<MissedDeadlines>();
builder.Services.AddHostedService<DeadlineLoop>();

var app = builder.Build();
app.MapSentinelDefaults();
app.MapHeartbeatEndpoints();

await app.RunOrMigrateAsync(args, DatabaseExtensions.MigrateAsync<SchedulerDb>);

public partial class Program;
