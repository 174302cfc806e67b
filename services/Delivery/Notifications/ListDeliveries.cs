using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Sentinel.Delivery.Notifications;

/// Internal read API for the Gateway: a tenant's deliveries, newest first, keyset-paged with an opaque cursor.
public static class ListDeliveries
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static void MapListDeliveries(this IEndpointRouteBuilder app) =>
        app.MapGet("/internal/tenants/{tenantId:guid}/deliveries", Handle);

    static async Task<Results<Ok<DeliveryPage>, ValidationProblem>> Handle(
        Guid tenantId, Guid? incidentId, Guid? channelId, int? limit, string? cursor, DeliveryDb db,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1)
            errors["limit"] = ["limit must be at least 1"];
        var after = DeliveryCursor.Parse(cursor);
        if (!string.IsNullOrEmpty(cursor) && after is null)
            errors["cursor"] = ["cursor is not one this API returned"];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        var take = Math.Min(limit ?? DefaultLimit, MaxLimit);

        var query = db.Deliveries.AsNoTracking().Where(d => d.TenantId == tenantId);
        if (incidentId is { } incident)
            query = query.Where(d => d.IncidentId == incident);
        if (channelId is { } channel)
            query = query.Where(d => d.ChannelId == channel);
        if (after is { } c)
            query = query.Where(d => EF.Functions.LessThan(
                ValueTuple.Create(d.CreatedAt, d.NotificationId), ValueTuple.Create(c.CreatedAt, c.NotificationId)));

        var rows = await query
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.NotificationId)
            .Take(take + 1)
            .ToListAsync(ct);
        var page = rows.Take(take).ToList();
        var next = rows.Count > take ? new DeliveryCursor(page[^1].CreatedAt, page[^1].NotificationId).Format() : null;
        return TypedResults.Ok(new DeliveryPage(page.Select(DeliveryItem.From).ToList(), next));
    }
}

public sealed record DeliveryPage(IReadOnlyList<DeliveryItem> Items, string? NextCursor);

public sealed record DeliveryItem(
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
    DateTimeOffset? DeliveredAt)
{
    public static DeliveryItem From(NotificationDelivery d) =>
        new(d.NotificationId, d.ChannelId, d.IncidentId, d.MonitorId, d.Event, d.Status, d.Attempts, d.LastError,
            d.LastStatusCode, d.CreatedAt, d.UpdatedAt, d.DeliveredAt);
}

/// The last row of a page; the next page starts strictly after it in (created_at, notification_id) order.
public sealed record DeliveryCursor(DateTimeOffset CreatedAt, Guid NotificationId)
{
    public string Format() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(
                $"{CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{NotificationId:N}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static DeliveryCursor? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var written))
            return null;
        var parts = Encoding.UTF8.GetString(bytes, 0, written).Split(':');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(parts[1], "N", out var id)
                ? new DeliveryCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id)
                : null;
    }
}
