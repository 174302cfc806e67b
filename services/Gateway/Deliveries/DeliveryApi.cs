using Refit;
using Sentinel.Gateway.Api;

namespace Sentinel.Gateway.Deliveries;

public sealed record DeliveryView(
    Guid NotificationId,
    Guid ChannelId,
    Guid IncidentId,
    Guid MonitorId,
    string Event,
    string Status,
    int Attempts,
    string? LastError,
    int? LastStatusCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? DeliveredAt);

/// Delivery's internal API: notification attempts stay there.
public interface IDeliveryApi
{
    [Get("/internal/tenants/{tenantId}/deliveries")]
    Task<Page<DeliveryView>> ListDeliveries(
        Guid tenantId, Guid? incidentId, Guid? channelId, int? limit, string? cursor, CancellationToken ct);
}
