using System.Text.Json;

namespace Sentinel.Delivery.Channels;

/// A channel as a kind sees it: its decrypted settings, held in memory only for one send.
public sealed record ChannelTarget(Guid Id, Guid TenantId, string Name, string Type, string SettingsJson)
{
    /// Null when the JSON does not fit the kind's settings record (then the send fails permanently).
    public T? ReadSettings<T>() where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(SettingsJson, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
