using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Checks;

namespace Sentinel.Checker.Tests.Checks;

/// The Checker's check types as the service wires them, with the outbound policy switched on or off.
public static class CheckServices
{
    public static ServiceProvider Create(bool blockPrivateTargets = false, TimeProvider? clock = null) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Checker:BlockPrivateTargets"] = blockPrivateTargets ? "true" : "false",
                })
                .Build())
            .AddSingleton(clock ?? TimeProvider.System)
            .AddChecks()
            .BuildServiceProvider();
}
