using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Sentinel.Contracts;
using Sentinel.Gateway.Api;

namespace Sentinel.Gateway.Heartbeats;

/// The public ping URLs (no API key: the token or ping key is the secret), compatible with Healthchecks.io and
/// Uptime Kuma's push URL. GET, HEAD and POST. Every URL is rate limited per token or ping key (PingRateLimit).
public static class PingEndpoints
{
    static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post];

    /// Marks the ping endpoints for UsePingPipeline.
    sealed class PingEndpoint;

    /// Pings are the Gateway's hot path (thousands a second), and the middleware in front of the API is not for them:
    /// they need no API key (authentication, authorization), have their own per-token limit (not the API's rate
    /// limiter) and are counted by sentinel_heartbeat_pings_total (not the HTTP metrics). So right after routing a
    /// matched ping endpoint branches off and runs with only exception handling and status-code pages (its errors stay
    /// RFC 9457 problems); everything else, a ping URL with an unsupported method included, goes on as before.
    /// Called before the rest of the pipeline; routing is the first middleware either way.
    public static void UsePingPipeline(this WebApplication app)
    {
        app.UseRouting();
        app.MapWhen(static http => http.GetEndpoint()?.Metadata.GetMetadata<PingEndpoint>() is not null, static ping =>
        {
            ping.UseExceptionHandler();
            ping.UseStatusCodePages();
            ping.Run(static http => http.GetEndpoint()!.RequestDelegate!(http));
        });
    }

    public static void MapHeartbeatPings(this IEndpointRouteBuilder app)
    {
        var pings = app.MapGroup("").WithTags("Heartbeat pings").WithMetadata(new PingEndpoint()).AddEndpointFilter(static async (context, next) =>
        {
            var http = context.HttpContext;
            var limit = http.RequestServices.GetRequiredService<PingRateLimit>();
            return limit.TryAcquire(http.Request.RouteValues["key"] as string ?? "", out var retryAfter)
                ? await next(context)
                : limit.Rejected(http, retryAfter);
        });
        pings.MapMethods("/ping/{key}", Methods, (HttpContext http, string key, PingHandler handler) =>
            handler.HandleAsync(http, PingAction.Plain, key, slug: null));
        pings.MapMethods("/ping/{key}/{segment}", Methods, (HttpContext http, string key, string segment, PingHandler handler) =>
            PingAction.TryParse(segment, out var action, out var invalidExitStatus)
                ? invalidExitStatus ? Task.FromResult(BadExitStatus(segment)) : handler.HandleAsync(http, action, key, slug: null)
                : handler.HandleAsync(http, PingAction.Plain, key, slug: segment));
        pings.MapMethods("/ping/{key}/{slug}/{segment}", Methods, (HttpContext http, string key, string slug, string segment, PingHandler handler) =>
            PingAction.TryParse(segment, out var action, out var invalidExitStatus)
                ? invalidExitStatus ? Task.FromResult(BadExitStatus(segment)) : handler.HandleAsync(http, action, key, slug)
                : Task.FromResult(PingHandler.NotFound));
        pings.MapMethods("/api/push/{key}", Methods, (HttpContext http, string key, PingHandler handler) =>
            handler.HandleKumaAsync(http, key));
    }

    static IResult BadExitStatus(string segment) =>
        Problems.Validation("exitStatus", $"'{segment}' is not an exit status: 0 means success, 1-255 failure.");
}

/// One ping, from URL to "OK": resolve the monitor (cached), check the method, read the body, classify, and wait for
/// the broker's confirm of the batch it went out in.
public sealed class PingHandler(
    PingTargets targets, SlugProvisioning provisioning, HeartbeatPublisher publisher, IConfiguration configuration,
    TimeProvider clock)
{
    /// `Heartbeats:MaxBodyBytes` (default 10,240 like Healthchecks.io): longer bodies are cut and flagged.
    readonly int maxBodyBytes = Math.Max(0, configuration.GetValue("Heartbeats:MaxBodyBytes", 10_240));
    /// `Heartbeats:TrustForwardedFor`: behind a proxy the client's address is the first X-Forwarded-For entry.
    readonly bool trustForwardedFor = configuration.GetValue("Heartbeats:TrustForwardedFor", false);

    public static readonly IResult NotFound = Results.Text("not found", "text/plain", Encoding.UTF8, StatusCodes.Status404NotFound);
    static readonly IResult Ok = Results.Text("OK", "text/plain", Encoding.UTF8);

    public async Task<IResult> HandleAsync(HttpContext http, PingAction action, string key, string? slug)
    {
        if (!TryRunId(http, out var runId))
            return Problems.Validation("rid", "rid must be a UUID.");

        var target = slug is null ? await targets.ByTokenAsync(key) : await targets.BySlugAsync(key, slug);
        if (target is null && slug is not null && http.Request.Query["create"] == "1")
        {
            var errors = new Dictionary<string, string[]>();
            HeartbeatSettingsSpec.ParseSlug(slug, (field, message) => errors[field] = [message]);
            if (errors.Count > 0)
                return Problems.Validation(errors);
            target = await provisioning.CreateAsync(key, slug, http.RequestAborted);
        }
        if (target is null)
            return NotFound;
        if (target.AllowedMethods is { } allowed && !allowed.Contains(http.Request.Method))
            return MethodNotAllowed(http, allowed);

        var (body, truncated) = await ReadBodyAsync(http.Request, http.RequestAborted);
        var kind = PingClassifier.Classify(target, action, body);
        var ping = NewPing(http, target, kind, body, truncated) with { ExitStatus = action.ExitStatus, RunId = runId };
        return await publisher.SubmitAsync(ping) ? Ok : Unavailable(http);
    }

    /// Uptime Kuma's `/api/push/{token}?status=up|down&msg=&ping=`: answered in Kuma's JSON.
    public async Task<IResult> HandleKumaAsync(HttpContext http, string token)
    {
        var target = await targets.ByTokenAsync(token);
        if (target is null)
            return Results.Json(new KumaAnswer(false, "Monitor not found or not active."), statusCode: StatusCodes.Status404NotFound);
        if (target.AllowedMethods is { } allowed && !allowed.Contains(http.Request.Method))
            return MethodNotAllowed(http, allowed);

        var query = http.Request.Query;
        var (body, truncated) = await ReadBodyAsync(http.Request, http.RequestAborted);
        string? message = query["msg"].ToString() is { Length: > 0 } msg ? msg[..Math.Min(msg.Length, 1000)] : null;
        double? latency = double.TryParse(query["ping"], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
            && double.IsFinite(ms) && ms >= 0 ? ms : null;
        var ping = NewPing(http, target, PingClassifier.ClassifyKuma(query["status"]), body, truncated)
            with { Message = message, ReportedLatencyMs = latency };
        return await publisher.SubmitAsync(ping) ? Results.Json(new KumaAnswer(true, null)) : Unavailable(http);
    }

    sealed record KumaAnswer(bool Ok, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Msg);

    HeartbeatPing NewPing(HttpContext http, PingTarget target, string kind, string? body, bool truncated)
    {
        var userAgent = http.Request.Headers.UserAgent.ToString();
        var now = clock.GetUtcNow();
        return new HeartbeatPing(
            PingIds.New(now), target.MonitorId, target.TenantId, kind, now, http.Request.Method,
            SourceIp(http), userAgent.Length == 0 ? null : userAgent[..Math.Min(userAgent.Length, 500)], body, truncated);
    }

    static bool TryRunId(HttpContext http, out Guid? runId)
    {
        runId = null;
        if (!http.Request.Query.TryGetValue("rid", out var rid) || rid.ToString().Length == 0)
            return true;
        if (!Guid.TryParse(rid.ToString(), out var parsed))
            return false;
        runId = parsed;
        return true;
    }

    string? SourceIp(HttpContext http)
    {
        if (trustForwardedFor && http.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            if (first.Length > 0)
                return first[..Math.Min(first.Length, 100)];
        }
        var address = http.Connection.RemoteIpAddress;
        return address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    async Task<(string? Body, bool Truncated)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength == 0 || HttpMethods.IsHead(request.Method))
            return (null, false);
        var buffer = ArrayPool<byte>.Shared.Rent(maxBodyBytes + 1);
        try
        {
            var read = 0;
            while (read <= maxBodyBytes)
            {
                var n = await request.Body.ReadAsync(buffer.AsMemory(read, maxBodyBytes + 1 - read), ct);
                if (n == 0)
                    break;
                read += n;
            }
            if (read == 0)
                return (null, false);
            var truncated = read > maxBodyBytes;
            // PostgreSQL text cannot hold NUL; a cut multi-byte character decodes as U+FFFD.
            var body = Encoding.UTF8.GetString(buffer, 0, Math.Min(read, maxBodyBytes)).Replace('\0', '\uFFFD');
            return (body, truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static IResult MethodNotAllowed(HttpContext http, IReadOnlyList<string> allowed)
    {
        http.Response.Headers.Allow = string.Join(", ", allowed);
        return Results.Problem($"This monitor accepts pings by {string.Join(", ", allowed)} only.",
            statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed.", type: HeartbeatProblems.MethodNotAllowedType);
    }

    static IResult Unavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "5";
        return Results.Problem("The ping could not be stored durably right now and was not recorded; retry shortly.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Ping not accepted.", type: HeartbeatProblems.PingNotAcceptedType);
    }
}
