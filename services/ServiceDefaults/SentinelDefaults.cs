using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;
using Sentinel.ServiceDefaults.Health;

namespace Sentinel.ServiceDefaults;

/// What every Sentinel service shares: clock, problem details, health, metrics and graceful shutdown.
public static class SentinelDefaults
{
    public static WebApplicationBuilder AddSentinelDefaults(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    public static WebApplication MapSentinelDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHttpMetrics();

        // Live: the process answers. Ready: every dependency tagged "ready" (broker, database, Redis) answers.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.Write });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.Write });
        app.MapMetrics("/metrics");
        return app;
    }

    /// `dotnet Service.dll migrate` applies the service's migrations and exits; anything else runs the service.
    public static async Task RunOrMigrateAsync(this WebApplication app, string[] args, Func<IServiceProvider, CancellationToken, Task>? migrate)
    {
        if (args.Length > 0 && args[0] == "migrate")
        {
            if (migrate is not null)
            {
                await using var scope = app.Services.CreateAsyncScope();
                await migrate(scope.ServiceProvider, CancellationToken.None);
            }
            return;
        }
        await app.RunAsync();
    }
}
