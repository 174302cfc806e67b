using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;
using Sentinel.Gateway.Api;

namespace Sentinel.Gateway.Heartbeats;

/// A ping as Telemetry-Ingest keeps it, body included.
public sealed record PingView(
    Guid PingId, string Kind, DateTimeOffset ReceivedAt, string Method, string? SourceIp, string? UserAgent, string? Body,
    bool BodyTruncated, int? ExitStatus = null, Guid? RunId = null, string? Message = null, double? ReportedLatencyMs = null);

/// A status change of a monitor, as Alert-Evaluation recorded it.
public sealed record FlipView(DateTimeOffset At, string From, string To, string? Reason);

/// A heartbeat run (start paired with its finish): outcome is success | fail | timeout | running.
public sealed record RunView(
    Guid? RunId, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, double? DurationMs, string Outcome);

/// The Scheduler keeps each heartbeat's deadline and so its display state.
public interface ISchedulerHeartbeatsApi
{
    [Get("/internal/tenants/{tenantId}/heartbeats/{monitorId}")]
    Task<HeartbeatStateView> GetState(Guid tenantId, Guid monitorId, CancellationToken ct);
}

/// Telemetry-Ingest stores every ping with its body.
public interface IPingHistoryApi
{
    [Get("/internal/tenants/{tenantId}/monitors/{monitorId}/pings")]
    Task<Page<PingView>> ListPings(Guid tenantId, Guid monitorId, int? limit, string? cursor, CancellationToken ct);
}

/// Alert-Evaluation keeps status changes and heartbeat runs.
public interface IFlipsAndRunsApi
{
    [Get("/internal/tenants/{tenantId}/monitors/{monitorId}/flips")]
    Task<Page<FlipView>> ListFlips(Guid tenantId, Guid monitorId, int? limit, string? cursor, CancellationToken ct);

    [Get("/internal/tenants/{tenantId}/monitors/{monitorId}/runs")]
    Task<Page<RunView>> ListRuns(Guid tenantId, Guid monitorId, int? limit, string? cursor, CancellationToken ct);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HeartbeatStateView))]
[JsonSerializable(typeof(Page<PingView>))]
[JsonSerializable(typeof(Page<FlipView>))]
[JsonSerializable(typeof(Page<RunView>))]
public sealed partial class HeartbeatApiJson : JsonSerializerContext;

public static class HeartbeatApiRegistration
{
    public static IServiceCollection AddHeartbeatApis(this IServiceCollection services)
    {
        // The state is a garnish on GET /monitors/{id}: a slow Scheduler must not slow that down, hence the short timeout.
        Add<ISchedulerHeartbeatsApi>(services, "Scheduler", "http://localhost:5081",
            c => TimeSpan.FromMilliseconds(c.GetValue("Heartbeats:StateTimeoutMilliseconds", 1000)));
        Add<IPingHistoryApi>(services, "TelemetryIngest", "http://localhost:5083",
            c => TimeSpan.FromSeconds(c.GetValue("Services:TimeoutSeconds", 10)));
        Add<IFlipsAndRunsApi>(services, "AlertEvaluation", "http://localhost:5084",
            c => TimeSpan.FromSeconds(c.GetValue("Services:TimeoutSeconds", 10)));
        return services;
    }

    static void Add<TApi>(IServiceCollection services, string service, string defaultUrl, Func<IConfiguration, TimeSpan> timeout)
        where TApi : class =>
        services.AddRefitGeneratedClient<TApi>(HeartbeatApiJson.Default).ConfigureHttpClient((sp, client) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            client.BaseAddress = new Uri(configuration[$"Services:{service}"] ?? defaultUrl);
            client.Timeout = timeout(configuration);
        });
}
