using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace Sentinel.Gateway.Stats;

public sealed record LatencyView(double MinMs, double AvgMs, double MaxMs, double P50Ms, double P95Ms, double P99Ms);

public sealed record StatsBucketView(
    DateTimeOffset Start, DateTimeOffset End, long Checks, long UpChecks, double? UptimePercent,
    double DowntimeSeconds, double? AvgLatencyMs, double? P95LatencyMs);

public sealed record MonitorStatsView(
    Guid MonitorId, string Window, DateTimeOffset From, DateTimeOffset To, long Checks, long UpChecks,
    double? UptimePercent, double DowntimeSeconds, LatencyView? Latency, bool PercentilesExact, string? Series,
    IReadOnlyList<StatsBucketView>? Buckets)
{
    /// The location filter applied (null: all locations).
    public string? Location { get; init; }
}

/// Telemetry-Ingest's stats endpoint: uptime, downtime and latency are computed where the results are.
public interface ITelemetryStatsApi
{
    [Get("/internal/tenants/{tenantId}/monitors/{monitorId}/stats")]
    Task<MonitorStatsView> GetStats(Guid tenantId, Guid monitorId, string? window, string? series, CancellationToken ct);

    /// The same figures for the results checked from one location only (location null: all of them).
    [Get("/internal/tenants/{tenantId}/monitors/{monitorId}/stats")]
    Task<MonitorStatsView> GetStatsAt(
        Guid tenantId, Guid monitorId, string? window, string? series, string? location, CancellationToken ct);
}

public static class TelemetryStatsRegistration
{
    /// Same address and timeout settings as the other Telemetry-Ingest client (Services:TelemetryIngest), with
    /// JSON metadata of its own so this feature adds no types to the shared context.
    public static IServiceCollection AddTelemetryStats(this IServiceCollection services)
    {
        services.AddRefitGeneratedClient<ITelemetryStatsApi>(StatsJson.Default).ConfigureHttpClient((sp, client) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            client.BaseAddress = new Uri(configuration["Services:TelemetryIngest"] ?? "http://localhost:5083");
            client.Timeout = TimeSpan.FromSeconds(configuration.GetValue("Services:TimeoutSeconds", 10));
        });
        return services;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MonitorStatsView))]
public sealed partial class StatsJson : JsonSerializerContext;
