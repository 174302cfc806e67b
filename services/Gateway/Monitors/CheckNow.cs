using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Refit;
using Sentinel.Contracts;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Monitors;

/// The outcome of one check, as check-now answers it.
public sealed record CheckNowResponse(
    Guid MonitorId,
    bool Up,
    int? StatusCode,
    double LatencyMs,
    string? Error,
    string? Detail,
    IReadOnlyList<ConditionResult> Conditions,
    DateTimeOffset CheckedAt);

/// The Checker's internal API: run one check now and answer the result (nothing is published or stored).
public interface ICheckerApi
{
    [Post("/internal/checks")]
    Task<MonitorChecked> RunCheck([Body] DueCheck check, CancellationToken ct);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DueCheck))]
[JsonSerializable(typeof(MonitorChecked))]
public sealed partial class CheckerApiJson : JsonSerializerContext;

/// `POST /monitors/{id}/check-now`: a trial run of the monitor as stored (paused or not), answered at once. It does
/// not change the monitor's status or history; a Checker that cannot be reached is a 503.
public static class CheckNow
{
    public static void MapCheckNow(this RouteGroupBuilder api) => api.MapPost("/monitors/{id:guid}/check-now", Handle);

    /// `Services:Checker`; the client waits longer than the longest check timeout (120 s) so the Checker answers first.
    public static IServiceCollection AddCheckerApi(this IServiceCollection services)
    {
        services.AddRefitGeneratedClient<ICheckerApi>(CheckerApiJson.Default).ConfigureHttpClient((sp, client) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            client.BaseAddress = new Uri(configuration["Services:Checker"] ?? "http://localhost:5082");
            client.Timeout = TimeSpan.FromSeconds(135);
        });
        return services;
    }

    static async Task<Results<Ok<CheckNowResponse>, ProblemHttpResult>> Handle(
        Guid id, CatalogDb db, TenantContext tenant, ICheckerApi checker, TimeProvider clock, CancellationToken ct)
    {
        var monitor = await db.Monitors.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id && m.TenantId == tenant.Id, ct);
        if (monitor is null)
            return Problems.NotFound("monitor", id);
        if (monitor.Type == MonitorTypes.Heartbeat)
            return Problems.Conflict("A heartbeat monitor is not checked actively: the job pings its URL, so there is nothing to run now.");

        var now = clock.GetUtcNow();
        var spec = monitor.ToUpserted(now);
        // A fresh id, not DeterministicGuid.ForCheck: a trial run is not one of the scheduled checks.
        var due = new DueCheck(Guid.CreateVersion7(now), monitor.Id, monitor.TenantId, monitor.Type, now, monitor.TimeoutSeconds,
            spec.Http, spec.Check);
        var result = await checker.RunCheck(due, ct); // unreachable Checker: RequestExceptionHandler answers 503
        return TypedResults.Ok(new CheckNowResponse(
            monitor.Id, result.Up, result.StatusCode, result.LatencyMs, result.Error, result.Detail, result.Conditions ?? [],
            result.CheckedAt));
    }
}
