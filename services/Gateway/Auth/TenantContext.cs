using System.Security.Claims;

namespace Sentinel.Gateway.Auth;

/// Who is calling: the tenant every query is filtered by, the key used, and what that key may do.
public sealed record TenantContext(Guid Id, Guid KeyId, string Scope)
{
    public static TenantContext From(ClaimsPrincipal user)
    {
        if (user.FindFirstValue(ApiKeyAuthentication.TenantClaim) is not { } tenant)
            throw new InvalidOperationException("TenantContext was asked for on an endpoint that does not require an API key");
        return new TenantContext(
            Guid.Parse(tenant),
            Guid.Parse(user.FindFirstValue(ApiKeyAuthentication.KeyClaim)!),
            user.FindFirstValue(ApiKeyAuthentication.ScopeClaim)!);
    }
}
