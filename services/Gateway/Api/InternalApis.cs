using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;
using Sentinel.Gateway.CheckResults;
using Sentinel.Gateway.Deliveries;
using Sentinel.Gateway.Incidents;
using Sentinel.Gateway.Locations;

namespace Sentinel.Gateway.Api;

/// Operational data (incidents, results, deliveries) stays with its owner; the Gateway asks over internal HTTP.
public static class InternalApis
{
    /// `Services:TimeoutSeconds`: how long a read waits for its owner before the caller gets a 503 problem.
    public const int DefaultTimeoutSeconds = 5;

    /// Once: every HttpClient to a `Services:*` address turns refusal and timeout into OwnerUnavailableException.
    public static IServiceCollection AddOwnerUnavailableHandling(this IServiceCollection services)
    {
        services.AddTransient<OwnerUnavailableHandler>();
        services.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler<OwnerUnavailableHandler>());
        return services;
    }

    public static IServiceCollection AddInternalApi<TApi>(this IServiceCollection services, string service, string defaultUrl)
        where TApi : class
    {
        services.AddRefitGeneratedClient<TApi>(InternalApiJson.Default).ConfigureHttpClient((sp, client) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            client.BaseAddress = new Uri(configuration[$"Services:{service}"] ?? defaultUrl);
            client.Timeout = TimeSpan.FromSeconds(configuration.GetValue("Services:TimeoutSeconds", DefaultTimeoutSeconds));
        });
        return services;
    }
}

/// Generated JSON metadata for what the internal APIs return (Refit's generated clients use no reflection).
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Page<IncidentView>))]
[JsonSerializable(typeof(IncidentView))]
[JsonSerializable(typeof(AcknowledgeIncidentRequest))]
[JsonSerializable(typeof(Page<AlertHistoryView>))]
[JsonSerializable(typeof(Page<CheckResultView>))]
[JsonSerializable(typeof(Page<DeliveryView>))]
[JsonSerializable(typeof(LocationStatusPage))]
[JsonSerializable(typeof(RoundPage))]
public sealed partial class InternalApiJson : JsonSerializerContext;
