namespace Sentinel.Gateway.Heartbeats;

public static class HeartbeatRegistration
{
    public static IServiceCollection AddHeartbeats(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<PingTargets>();
        services.AddHostedService(sp => sp.GetRequiredService<PingTargets>());
        services.AddSingleton<SlugProvisioning>();
        services.AddSingleton<PingHandler>();
        services.AddSingleton<HeartbeatPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<HeartbeatPublisher>());
        services.AddScoped<HeartbeatStates>();
        services.AddSingleton<PingRateLimit>();
        services.AddHeartbeatApis();
        return services;
    }
}
