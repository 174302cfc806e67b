using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.ApiKeys;

namespace Sentinel.Gateway.Auth;

public static class ApiKeyAuthentication
{
    public const string Scheme = "ApiKey";
    public const string Policy = "ApiKey";
    public const string TenantClaim = "sentinel:tenant";
    public const string KeyClaim = "sentinel:key";
    public const string ScopeClaim = "sentinel:scope";

    /// One policy for the whole API: any valid key may read; only a read-write key may use any other method, so a
    /// new write endpoint cannot forget the check.
    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Scheme, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => c.Resource is HttpContext http
                && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
                    || c.User.HasClaim(ScopeClaim, ApiKeyScopes.ReadWrite))));
        services.AddHttpContextAccessor();
        services.AddScoped(sp => TenantContext.From(sp.GetRequiredService<IHttpContextAccessor>().HttpContext!.User));
        return services;
    }
}

/// Accepts `Authorization: Bearer <key>` or `X-Api-Key: <key>` and looks the key's hash up in the catalog.
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadSecret();
        if (secret is null)
            return AuthenticateResult.NoResult();

        // Resolved only now: the handler runs for every request, and most (pings, badges, status pages) carry no key,
        // so building a DbContext up front cost the ping path more CPU than anything else it does.
        var db = Context.RequestServices.GetRequiredService<CatalogDb>();
        var hash = ApiKeySecret.Hash(secret);
        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Select(k => new { k.Id, k.TenantId, k.Scope })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (key is null)
            return AuthenticateResult.Fail("The API key is invalid or revoked.");

        var identity = new ClaimsIdentity(
            [
                new Claim(ApiKeyAuthentication.TenantClaim, key.TenantId.ToString()),
                new Claim(ApiKeyAuthentication.KeyClaim, key.Id.ToString()),
                new Claim(ApiKeyAuthentication.ScopeClaim, key.Scope),
            ],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    string? ReadSecret()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim() is { Length: > 0 } bearer ? bearer : null;
        return Request.Headers["X-Api-Key"].ToString().Trim() is { Length: > 0 } header ? header : null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteAsync(new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Type = Problems.UnauthorizedType,
            Title = "Unauthorized.",
            Detail = result.Failure?.Message
                ?? "An API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.",
        });
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteAsync(new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Type = Problems.ForbiddenType,
            Title = "Forbidden.",
            Detail = "This API key is read-only; changes need a read-write key.",
        });
    }

    async Task WriteAsync(ProblemDetails problem) =>
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem });
}
