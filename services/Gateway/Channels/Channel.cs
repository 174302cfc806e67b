using System.Text.Json;
using System.Text.Json.Nodes;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Channels;

/// A notification channel. The catalog keeps only the public part of its settings (Settings): secrets (tokens,
/// passwords, secret URLs) leave the Gateway in ChannelUpserted, for Delivery, which stores them encrypted. Webhook
/// channels also fill Url and Headers, the columns of the first version.
public sealed class Channel
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public string Name { get; set; } = "";
    public string Type { get; set; } = ChannelKinds.Webhook;
    public string Url { get; set; } = "";
    public Dictionary<string, string> Headers { get; set; } = [];
    /// The kind's settings without secrets, as JSON, so a new kind needs no migration.
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
        Url = spec.Webhook?.Url ?? "";
        Headers = spec.Webhook?.Headers is { } headers ? new Dictionary<string, string>(headers) : [];
        Settings = spec.PublicSettings.ToJsonString();
        Version++;
        UpdatedAt = now;
    }

    /// Built from the spec, not from the row: the row has no secrets to send.
    public ChannelUpserted ToUpserted(ChannelSpec spec, DateTimeOffset now) =>
        new(Id, TenantId, Version, Name, Type, spec.Webhook, now, spec.SettingsJson);

    public ChannelDeleted ToDeleted(DateTimeOffset now) => new(Id, TenantId, Version + 1, now);

    public JsonElement PublicSettings()
    {
        if (Settings is not ("{}" or ""))
            return JsonSerializer.Deserialize<JsonElement>(Settings);
        // A webhook channel written before settings were kept here: its columns say the same.
        var legacy = new JsonObject
        {
            ["url"] = Url,
            ["headerNames"] = new JsonArray(Headers.Keys.Order().Select(k => (JsonNode)JsonValue.Create(k)).ToArray()),
        };
        return JsonSerializer.SerializeToElement(legacy);
    }
}
