using Sentinel.Checker.Canaries;
using Sentinel.Checker.Checks.Dns;
using Sentinel.Checker.Checks.Http;
using Sentinel.Checker.Checks.Icmp;
using Sentinel.Checker.Checks.Tcp;
using Sentinel.Checker.Checks.Udp;
using Sentinel.Checker.Locations;

namespace Sentinel.Checker.Checks;

public static class CheckRegistration
{
    /// Every check type (all stateless singletons), the runner that picks one per due check, and the batcher that
    /// publishes their results.
    public static IServiceCollection AddChecks(this IServiceCollection services)
    {
        services.AddHttpChecks();
        services.AddSingleton<TcpCheck>();
        services.AddSingleton<UdpCheck>();
        services.AddSingleton<IcmpCheck>();
        services.AddSingleton<DnsCheck>();
        services.AddSingleton<CheckRunner>();
        services.AddOptions<ResultBatchOptions>().BindConfiguration("Checker");
        services.AddSingleton<ResultBatcher>();
        services.AddSingleton<CheckerIdentity>();
        services.AddSingleton<CheckerHealth>();
        return services;
    }

    /// Canary probes and the periodic CheckerStatus (needs the bus, so not part of AddChecks).
    public static IServiceCollection AddCanaries(this IServiceCollection services)
    {
        services.AddOptions<CanaryOptions>().BindConfiguration("Checker");
        services.AddHttpClient(CanaryProbe.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        services.AddSingleton<CanaryProbe>();
        services.AddHostedService<CanaryLoop>();
        return services;
    }
}
