using Sentinel.Checker.Checks;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults;
using Sentinel.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddSentinelDefaults();
builder.AddSentinelBus("Checker", x =>
    x.AddConsumer<CheckMonitorBatchConsumer>().Endpoint(e => e.Name = Queues.CheckMonitorBatch));
builder.Services.AddChecks();

var app = builder.Build();
app.MapSentinelDefaults();
app.MapCheckNow();

// Stateless: nothing to migrate.
await app.RunOrMigrateAsync(args, null);

public partial class Program;
