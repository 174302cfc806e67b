using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.TelemetryIngest.Partitions;
using Sentinel.Testing;

namespace Sentinel.TelemetryIngest.Tests.Maintenance;

public sealed class MaintenanceScheduleTests
{
    [Test]
    public async Task The_running_service_schedules_maintenance_with_quartz()
    {
        await using var own = await OwnDatabase.CreateAsync("telemetry_schedule");
        await using var vhost = await TestVirtualHost.CreateAsync("telemetry_schedule");
        await using var service = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", own.Database.ConnectionString);
            b.UseSetting("RabbitMq:VirtualHost", vhost.Name);
        });
        using var client = service.CreateClient(); // starts the host, and with it the Quartz scheduler

        var today = PartitionManager.NameOf(DateOnly.FromDateTime(DateTime.UtcNow));
        await Poll.UntilAsync(
            () => own.Database.CountAsync($"select count(*) from pg_class where relname = '{today}'"), n => n == 1,
            TimeSpan.FromSeconds(30), "today's partition to be created by the scheduled maintenance");
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
