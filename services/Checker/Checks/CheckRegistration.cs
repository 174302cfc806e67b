using Sentinel.Checker.Checks.Dns;
using Sentinel.Checker.Checks.Http;
using Sentinel.Checker.Checks.Icmp;
using Sentinel.Checker.Checks.Tcp;
using Sentinel.Checker.Checks.Udp;

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
        return services;
    }
}
