using Sentinel.Contracts;

namespace Sentinel.Gateway.Channels;

/// A notification channel. Header values may be secrets: they leave the Gateway only in ChannelUpserted, for Delivery.
public sealed class Channel
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public string Name { get; set; } = "";
    public string Type { get; set; } = ChannelTypes.Webhook;
    public string Url { get; set; } = "";
    public Dictionary<string, string> Headers { get; set; } = [];
    /// Settings of the other channel kinds (email, Slack, …) as JSON, so a new kind needs no migration.
    public string Settings { get; set; } = "{}";
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static Channel Create(Guid tenantId, ChannelSpec spec, DateTimeOffset now)
    {
        var channel = new Channel { Id = Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = now };
        channel.Apply(spec, now);
        return channel;
    }

    public void Apply(ChannelSpec spec, DateTimeOffset now)
    {
        Name = spec.Name;
        Type = spec.Type;
        Url = spec.Url;
        Headers = new Dictionary<string, string>(spec.Headers);
        Version++;
        UpdatedAt = now;
    }

    public ChannelUpserted ToUpserted(DateTimeOffset now) =>
        new(Id, TenantId, Version, Name, Type, new WebhookChannelSettings(Url, new Dictionary<string, string>(Headers)), now);

    public ChannelDeleted ToDeleted(DateTimeOffset now) => new(Id, TenantId, Version + 1, now);
}

public static class ChannelTypes
{
    public const string Webhook = "webhook";

    public static readonly string[] Supported = [Webhook];
}
