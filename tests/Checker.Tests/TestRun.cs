using Sentinel.Testing;

namespace Sentinel.Checker.Tests;

/// One RabbitMQ virtual host for the whole run, deleted afterwards. The Checker keeps no database.
[SetUpFixture]
public sealed class TestRun
{
    public static TestVirtualHost VirtualHost { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task CreateVirtualHost() => VirtualHost = await TestVirtualHost.CreateAsync("checker");

    [OneTimeTearDown]
    public async Task DeleteVirtualHost()
    {
        if (VirtualHost is not null)
            await VirtualHost.DisposeAsync();
    }
}
