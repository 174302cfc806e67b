namespace Sentinel.Gateway.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name = null, string? Scope = null);

public sealed record ApiKeyResponse(
    Guid Id, string Name, string Scope, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKey k) => new(k.Id, k.Name, k.Scope, k.Prefix, k.CreatedAt, k.RevokedAt);
}

/// Only the create response carries the secret: it is not stored, so it cannot be shown again.
public sealed record CreatedApiKeyResponse(
    Guid Id, string Name, string Scope, string Prefix, string Secret, DateTimeOffset CreatedAt);
