using System.Net.Http.Json;

namespace Sentinel.AlertEvaluation.Slos;

/// Telemetry-Ingest's internal SLO endpoint (POST /internal/tenants/{tenantId}/slo-figures), asked for burn rates
/// only. Address: Services:TelemetryIngest; timeout: Services:TimeoutSeconds.
public sealed class TelemetrySloClient(HttpClient http)
{
    sealed record Request(IReadOnlyList<Guid> MonitorIds, double ObjectivePercent, int WindowDays, IReadOnlyList<int> BurnWindowsSeconds);
    sealed record Figures(IReadOnlyList<BurnRateFigure> BurnRates);
    sealed record BurnRateFigure(int WindowSeconds, double? BurnRate);

    /// Burn rate by window length in seconds; null where the window holds no checks.
    public async Task<IReadOnlyDictionary<int, double?>> BurnRatesAsync(
        Guid tenantId, IReadOnlyList<Guid> monitorIds, double objectivePercent, int windowDays, IReadOnlyList<int> windowsSeconds,
        CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"/internal/tenants/{tenantId}/slo-figures",
            new Request(monitorIds, objectivePercent, windowDays, windowsSeconds), ct);
        response.EnsureSuccessStatusCode();
        var figures = await response.Content.ReadFromJsonAsync<Figures>(ct)
            ?? throw new InvalidOperationException("Telemetry-Ingest answered no SLO figures.");
        return figures.BurnRates.ToDictionary(b => b.WindowSeconds, b => b.BurnRate);
    }

    public static IServiceCollection Register(IServiceCollection services)
    {
        services.AddHttpClient<TelemetrySloClient>((sp, client) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            client.BaseAddress = new Uri(configuration["Services:TelemetryIngest"] ?? "http://localhost:5083");
            client.Timeout = TimeSpan.FromSeconds(configuration.GetValue("Services:TimeoutSeconds", 10));
        });
        return services;
    }
}
