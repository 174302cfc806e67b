using Sentinel.Checker.Checks;
using Sentinel.Checker.Locations;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults;
using Sentinel.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddSentinelDefaults();
builder.AddSentinelBus("Checker", x =>
{
    x.AddConsumer<CheckMonitorBatchConsumer>().Endpoint(e => e.Name = Queues.CheckMonitorBatch);
    // A Checker with Checker:Location also takes the checks meant for its location (see docs/architecture.md).
    if (CheckerIdentity.LocationQueue(builder.Configuration) is { } locationQueue)
        x.AddConsumer<LocationCheckMonitorBatchConsumer>().Endpoint(e => e.Name = locationQueue);
});
builder.Services.AddChecks();
builder.Services.AddCanaries();

var app = builder.Build();
app.MapSentinelDefaults();
app.MapCheckNow();

// Stateless: nothing to migrate.
await app.RunOrMigrateAsync(args, null);

public partial class Program;
