using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Api;

/// Named rate-limit policies: "api-key" on the /api/v1 group (one bucket per API key) and "public-pages" for the
/// pages without a key (one bucket per source address). Limits are read per request, so configuration (and tests)
/// can change them; a rejection is a 429 problem with Retry-After.
public static class RateLimits
{
    public const string ApiKeyPolicy = "api-key";
    public const string PublicPagesPolicy = "public-pages";
    public const int DefaultApiKeyPerMinute = 1200;
    public const int DefaultPublicPagesPerMinute = 300;

    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(ApiKeyPolicy, http =>
            {
                var perMinute = PerMinute(Settings(http).GetValue("RateLimits:ApiKeyPerMinute", DefaultApiKeyPerMinute));
                // Authentication ran before the limiter; a request without a valid key was already refused (401).
                var key = http.User.FindFirst(ApiKeyAuthentication.KeyClaim)?.Value ?? "ip:" + SourceOf(http);
                return RateLimitPartition.GetTokenBucketLimiter($"{key}/{perMinute}", _ => Bucket(perMinute));
            });
            o.AddPolicy(PublicPagesPolicy, http =>
            {
                var perMinute = PerMinute(Settings(http).GetValue("RateLimits:PublicPagesPerMinute", DefaultPublicPagesPerMinute));
                return RateLimitPartition.GetTokenBucketLimiter($"{SourceOf(http)}/{perMinute}", _ => Bucket(perMinute));
            });
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    /// A full minute's worth may be spent at once (a script listing everything); it refills evenly over the minute.
    static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    static IConfiguration Settings(HttpContext http) => http.RequestServices.GetRequiredService<IConfiguration>();

    static int PerMinute(int configured) => Math.Max(1, configured);

    static string SourceOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    static ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct) =>
        WriteRejectionAsync(context, TimeSpan.FromSeconds(1), "Too many requests.",
            retryAfter => $"The rate limit was reached; retry after {retryAfter} second(s).");

    /// The 429 every limiter of the Gateway answers: Retry-After (the lease's, else fallback) and a problem body.
    public static async ValueTask WriteRejectionAsync(
        OnRejectedContext context, TimeSpan fallback, string title, Func<int, string> detail)
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var leased) ? leased : fallback;
        var retryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = Problems.RateLimitedType,
                Title = title,
                Detail = detail(retryAfter),
                Extensions = { ["retryAfterSeconds"] = retryAfter },
            },
        });
    }
}
