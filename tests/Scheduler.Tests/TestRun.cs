using Sentinel.Testing;

namespace Sentinel.Scheduler.Tests;

/// One database and one RabbitMQ virtual host for the whole run, dropped afterwards.
[SetUpFixture]
public sealed class TestRun
{
    public static TestDatabase Database { get; private set; } = null!;
    public static TestVirtualHost VirtualHost { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task Create()
    {
        Database = await TestDatabase.CreateAsync("scheduler");
        VirtualHost = await TestVirtualHost.CreateAsync("scheduler");
    }

    [OneTimeTearDown]
    public async Task Drop()
    {
        if (Database is not null)
            await Database.DisposeAsync();
        if (VirtualHost is not null)
            await VirtualHost.DisposeAsync();
    }
}
