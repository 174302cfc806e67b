using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;
using Sentinel.Gateway.Api;

namespace Sentinel.Gateway.Slos;

public sealed record SloFiguresQuery(IReadOnlyList<Guid> MonitorIds, double ObjectivePercent, int WindowDays);

public sealed record ErrorBudgetView(
    double TotalSeconds, double SpentSeconds, double RemainingSeconds, double SpentPercent, double RemainingPercent);

public sealed record BurnRateView(int WindowSeconds, string Window, long Checks, long BadChecks, double? BurnRate);

/// The SLO's figures over its window ending now, computed by Telemetry-Ingest where the results are.
public sealed record SloStatus(
    DateTimeOffset From, DateTimeOffset To, long Checks, long GoodChecks, long BadChecks, double? AttainedPercent,
    ErrorBudgetView ErrorBudget, IReadOnlyList<BurnRateView> BurnRates);

/// Telemetry-Ingest's SLO endpoint (services/TelemetryIngest/Slos).
public interface ITelemetrySloApi
{
    [Post("/internal/tenants/{tenantId}/slo-figures")]
    Task<SloStatus> GetFigures(Guid tenantId, [Body] SloFiguresQuery query, CancellationToken ct);
}

public static class TelemetrySloRegistration
{
    /// Same address and timeout as the other Telemetry-Ingest clients (Services:TelemetryIngest,
    /// Services:TimeoutSeconds); a refused or hanging owner becomes a 503 problem through OwnerUnavailableHandler.
    public static IServiceCollection AddTelemetrySlos(this IServiceCollection services)
    {
        services.AddRefitGeneratedClient<ITelemetrySloApi>(SloJson.Default).ConfigureHttpClient((sp, client) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            client.BaseAddress = new Uri(configuration["Services:TelemetryIngest"] ?? "http://localhost:5083");
            client.Timeout = TimeSpan.FromSeconds(configuration.GetValue("Services:TimeoutSeconds", InternalApis.DefaultTimeoutSeconds));
        });
        return services;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SloStatus))]
[JsonSerializable(typeof(SloFiguresQuery))]
public sealed partial class SloJson : JsonSerializerContext;
