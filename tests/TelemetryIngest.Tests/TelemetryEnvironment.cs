using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.ServiceDefaults.Data;
using Sentinel.Testing;

namespace Sentinel.TelemetryIngest.Tests;

/// One database, one virtual host and one running service for the whole assembly, dropped afterwards.
[SetUpFixture]
public sealed class TelemetryEnvironment
{
    public static TestDatabase Database { get; private set; } = null!;
    public static TestVirtualHost VirtualHost { get; private set; } = null!;
    public static WebApplicationFactory<Program> Service { get; private set; } = null!;
    public static HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Database = await TestDatabase.CreateAsync("telemetry");
        VirtualHost = await TestVirtualHost.CreateAsync("telemetry");
        Service = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", Database.ConnectionString);
            b.UseSetting("RabbitMq:VirtualHost", VirtualHost.Name);
            // Maintenance on the real clock would drop the old-dated rows these tests read; the maintenance tests
            // drive it themselves, with a fake clock and a database of their own.
            b.UseSetting("Telemetry:MaintenanceEnabled", "false");
        });

        await using (var scope = Service.Services.CreateAsyncScope())
            await DatabaseExtensions.MigrateAsync<TelemetryDb>(scope.ServiceProvider, CancellationToken.None);

        Client = Service.CreateClient();
        // Ready means the bus is connected and the consumer's queue exists, so nothing published afterwards is lost.
        await Poll.UntilAsync(
            async () => (await Client.GetAsync("/health/ready")).StatusCode,
            status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the service to become ready");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        Client?.Dispose();
        if (Service is not null)
            await Service.DisposeAsync();
        if (VirtualHost is not null)
            await VirtualHost.DisposeAsync();
        if (Database is not null)
            await Database.DisposeAsync();
    }

    /// A sample (counter value, histogram _count) from the service's own /metrics page.
    public static async Task<double> MetricAsync(string name)
    {
        var text = await Client.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
