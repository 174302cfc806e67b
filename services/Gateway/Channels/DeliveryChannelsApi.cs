using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace Sentinel.Gateway.Channels;

/// What Delivery answers to a test send: whether the receiver accepted it, its status code and error.
public sealed record ChannelTestResponse(bool Delivered, int? StatusCode, string? Error, int DurationMs);

/// Delivery's internal API for channels: it holds the secrets, so it is the one that can send.
public interface IDeliveryChannelsApi
{
    [Post("/internal/tenants/{tenantId}/channels/{channelId}/test")]
    Task<ChannelTestResponse> TestChannel(Guid tenantId, Guid channelId, CancellationToken ct);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChannelTestResponse))]
public sealed partial class ChannelsApiJson : JsonSerializerContext;

public static class DeliveryChannelsApiRegistration
{
    /// `Services:Delivery` like the other internal reads, with time for a slow receiver (a test send waits for it).
    public static IServiceCollection AddDeliveryChannelsApi(this IServiceCollection services)
    {
        services.AddRefitGeneratedClient<IDeliveryChannelsApi>(ChannelsApiJson.Default).ConfigureHttpClient((sp, client) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            client.BaseAddress = new Uri(configuration["Services:Delivery"] ?? "http://localhost:5085");
            client.Timeout = TimeSpan.FromSeconds(configuration.GetValue("Services:TimeoutSeconds", 10) + 20);
        });
        return services;
    }
}
