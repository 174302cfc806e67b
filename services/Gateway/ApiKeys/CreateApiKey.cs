using Microsoft.AspNetCore.Http.HttpResults;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.ApiKeys;

public static class CreateApiKey
{
    public static void MapCreateApiKey(this RouteGroupBuilder api) =>
        api.MapPost("/api-keys", Handle).AddEndpointFilter<IdempotentCreate>();

    static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem>> Handle(
        CreateApiKeyRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
            errors["name"] = ["Name is required and must be at most 200 characters."];
        // Least privilege unless asked otherwise.
        var scope = request.Scope ?? ApiKeyScopes.ReadOnly;
        if (!ApiKeyScopes.All.Contains(scope))
            errors["scope"] = [$"Scope must be one of {string.Join(", ", ApiKeyScopes.All)}."];
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var now = clock.GetUtcNowForStorage();
        var secret = ApiKeySecret.Generate();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenant.Id,
            Name = name!,
            Prefix = ApiKeySecret.PrefixOf(secret),
            KeyHash = ApiKeySecret.Hash(secret),
            Scope = scope,
            CreatedAt = now,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/api-keys/{key.Id}",
            new CreatedApiKeyResponse(key.Id, key.Name, key.Scope, key.Prefix, secret, key.CreatedAt));
    }
}
