using Sentinel.Scheduler;
using Sentinel.Scheduler.Dispatch;
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
});
builder.Services.AddScoped<CheckDispatcher>();
builder.Services.AddHostedService<DispatchLoop>();

var app = builder.Build();
app.MapSentinelDefaults();

await app.RunOrMigrateAsync(args, DatabaseExtensions.MigrateAsync<SchedulerDb>);

public partial class Program;
