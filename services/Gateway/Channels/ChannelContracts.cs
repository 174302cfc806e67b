using System.Text.Json;
using System.Text.Json.Nodes;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Channels;

/// Settings is the kind's own object (see ChannelSettingsSpec and docs/api.md); it is read strictly per kind.
public sealed record ChannelRequest(string? Name = null, string? Type = null, JsonElement? Settings = null);

/// Secrets are write-only: Settings shows the kind's settings without them (a webhook's header values become
/// `headerNames`; tokens, passwords and secret URLs are left out).
public sealed record ChannelResponse(
    Guid Id, string Name, string Type, JsonElement Settings, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ChannelResponse From(Channel c) => new(c.Id, c.Name, c.Type, c.PublicSettings(), c.CreatedAt, c.UpdatedAt);
}

/// A validated channel: SettingsJson (secrets included) goes to Delivery in ChannelUpserted; PublicSettings is all the
/// Gateway keeps of it. Webhook is also filled for webhook channels (the catalog columns and older consumers).
public sealed record ChannelSpec(string Name, string Type, string SettingsJson, JsonObject PublicSettings, WebhookChannelSettings? Webhook)
{
    public static (ChannelSpec? Spec, Dictionary<string, string[]> Errors) Parse(ChannelRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) =>
            errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name))
            Fail("name", "Name is required.");
        else if (name.Length > 200)
            Fail("name", "Name must be at most 200 characters.");

        var supported = string.Join(", ", ChannelKinds.All);
        var typeKnown = r.Type is not null && ChannelKinds.All.Contains(r.Type);
        if (r.Type is null)
            Fail("type", $"Type is required; supported types: {supported}.");
        else if (!typeKnown)
            Fail("type", $"Type '{r.Type}' is not supported; supported types: {supported}.");

        object? settings = null;
        if (r.Settings is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } json)
            Fail("settings", "Settings are required.");
        else if (typeKnown)
            settings = ChannelSettingsSpec.Read(r.Type!, json, Fail); // a wrong JSON shape throws: a malformed-request problem

        if (errors.Count > 0 || settings is null)
            return (null, errors);
        return (new ChannelSpec(name!, r.Type!, JsonSerializer.Serialize(settings, settings.GetType(), JsonSerializerOptions.Web),
            ChannelSettingsSpec.PublicPart(r.Type!, settings), settings as WebhookChannelSettings), errors);
    }
}
