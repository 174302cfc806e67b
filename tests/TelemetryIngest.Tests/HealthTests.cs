using static Sentinel.TelemetryIngest.Tests.TelemetryEnvironment;

namespace Sentinel.TelemetryIngest.Tests;

public sealed class HealthTests
{
    [Test]
    public async Task Ready_covers_the_database_and_the_broker()
    {
        var body = await Client.GetStringAsync("/health/ready");

        Assert.That(body, Does.Contain("\"postgres\"").And.Contain("masstransit"));
    }
}
