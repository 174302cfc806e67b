using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Data;
using Sentinel.Testing;

namespace Sentinel.AlertEvaluation.Tests;

/// Alert-Evaluation on a database and virtual host of its own, plus a test-owned bus that plays Delivery:
/// it records every SendNotification that reaches the `send-notification` queue.
[SetUpFixture]
public sealed class AlertEvaluationHost
{
    public static TestDatabase Database { get; private set; } = null!;
    public static TestVirtualHost VirtualHost { get; private set; } = null!;
    public static WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public static TestClock Clock { get; } = new();
    public static ConcurrentQueue<SendNotification> Sent { get; } = new();
    public static ConcurrentQueue<MonitorStatusChanged> StatusChanges { get; } = new();
    public static ConcurrentQueue<IncidentEscalated> Escalations { get; } = new();
    static IBusControl? delivery;

    public static IBus Bus => Factory.Services.GetRequiredService<IBus>();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Database = await TestDatabase.CreateAsync("alerting_tests");
        VirtualHost = await TestVirtualHost.CreateAsync("alerting-tests");
        Factory = CreateReplica();
        using (var scope = Factory.Services.CreateScope())
            await DatabaseExtensions.MigrateAsync<AlertingDb>(scope.ServiceProvider, CancellationToken.None);
        _ = Factory.CreateClient(); // starts the host, its consumers, the outbox relay and the alert clock

        delivery = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, ushort.Parse(TestInfrastructure.RabbitPort), VirtualHost.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            cfg.PrefetchCount = 200;
            cfg.ReceiveEndpoint(Queues.SendNotification, e => e.Handler<SendNotification>(c =>
            {
                Sent.Enqueue(c.Message);
                return Task.CompletedTask;
            }));
            cfg.ReceiveEndpoint("alerting-tests-status-changed", e => e.Handler<MonitorStatusChanged>(c =>
            {
                StatusChanges.Enqueue(c.Message);
                return Task.CompletedTask;
            }));
            cfg.ReceiveEndpoint("alerting-tests-incident-escalated", e => e.Handler<IncidentEscalated>(c =>
            {
                Escalations.Enqueue(c.Message);
                return Task.CompletedTask;
            }));
        });
        await delivery.StartAsync();
    }

    /// Another Alert-Evaluation process on the same database, broker and clock: replicas compete for the same queues.
    public static WebApplicationFactory<Program> CreateReplica() =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            // A small pool: the machine's PostgreSQL (100 connections) is shared with other test runs.
            b.UseSetting("ConnectionStrings:Postgres", Database.ConnectionString + ";Maximum Pool Size=12");
            b.UseSetting("RabbitMq:VirtualHost", VirtualHost.Name);
            b.UseSetting("RabbitMq:RetryLimit", "8");
            b.UseSetting("Redis:Configuration", TestInfrastructure.RedisConfiguration);
            b.UseSetting("Outbox:PollMilliseconds", "50");
            b.UseSetting("Alerting:ClockMilliseconds", "200");
            // The SLO tests run burn-rate passes themselves against a fake Telemetry-Ingest; the host's own loop finds
            // this address refused and leaves every SLO as it is.
            b.UseSetting("Services:TelemetryIngest", "http://127.0.0.1:9");
            b.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
        });

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (delivery is not null)
            await delivery.StopAsync();
        await Factory.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
