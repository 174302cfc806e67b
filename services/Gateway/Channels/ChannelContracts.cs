namespace Sentinel.Gateway.Channels;

public sealed record ChannelRequest(string? Name = null, string? Type = null, WebhookSettingsRequest? Settings = null);

public sealed record WebhookSettingsRequest(string? Url = null, Dictionary<string, string>? Headers = null);

/// Header values are write-only: a response names the headers but never shows their values.
public sealed record ChannelResponse(
    Guid Id, string Name, string Type, ChannelSettingsResponse Settings, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ChannelResponse From(Channel c) =>
        new(c.Id, c.Name, c.Type, new ChannelSettingsResponse(c.Url, c.Headers.Keys.Order().ToList()), c.CreatedAt, c.UpdatedAt);
}

public sealed record ChannelSettingsResponse(string Url, IReadOnlyList<string> HeaderNames);

public sealed record ChannelSpec(string Name, string Type, string Url, IReadOnlyDictionary<string, string> Headers)
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

        var supported = string.Join(", ", ChannelTypes.Supported);
        if (r.Type is null)
            Fail("type", $"Type is required; supported types: {supported}.");
        else if (!ChannelTypes.Supported.Contains(r.Type))
            Fail("type", $"Type '{r.Type}' is not supported; supported types: {supported}.");

        var url = r.Settings?.Url;
        if (r.Settings is null)
            Fail("settings", "Settings are required.");
        else if (string.IsNullOrWhiteSpace(url))
            Fail("settings.url", "Url is required.");
        else if (url.Length > 2048)
            Fail("settings.url", "Url must be at most 2048 characters.");
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            Fail("settings.url", "Url must be an absolute http or https URL.");

        var headers = r.Settings?.Headers ?? [];
        if (headers.Count > 50)
            Fail("settings.headers", "At most 50 headers are allowed.");
        foreach (var (header, value) in headers)
        {
            if (header.Length is 0 or > 256 || !header.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
                Fail("settings.headers", $"Header name '{header}' is not a valid HTTP header name.");
            if (value is null)
                Fail("settings.headers", $"Header '{header}' needs a string value.");
            else if (value.Any(c => c is '\r' or '\n'))
                Fail("settings.headers", $"Header '{header}' must not contain line breaks.");
        }

        return errors.Count > 0 ? (null, errors) : (new ChannelSpec(name!, r.Type!, url!, headers), errors);
    }
}
