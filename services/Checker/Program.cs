using Sentinel.Checker.Checks;
using Sentinel.Checker.Checks.Http;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults;
using Sentinel.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddSentinelDefaults();
builder.AddSentinelBus("Checker", x =>
    x.AddConsumer<CheckMonitorBatchConsumer>().Endpoint(e => e.Name = Queues.CheckMonitorBatch));
builder.Services.AddHttpChecks();

var app = builder.Build();
app.MapSentinelDefaults();

// Stateless: nothing to migrate.
await app.RunOrMigrateAsync(args, null);

public partial class Program;
