using Microsoft.AspNetCore.Http.HttpResults;

namespace Sentinel.TelemetryIngest.Slos;

/// SLO figures (attained, error budget, burn rates) of a set of monitors, for the Gateway (GET /api/v1/slos/{id}) and
/// Alert-Evaluation (burn-rate alerts). Internal: the caller has resolved the SLO to monitor ids of the tenant; the
/// tenant filter keeps one tenant's ids from another's data. POST because a tag can cover thousands of monitors.
public static class GetSloFigures
{
    public static IEndpointRouteBuilder MapGetSloFigures(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/tenants/{tenantId:guid}/slo-figures", Handle);
        return app;
    }

    static async Task<Results<Ok<SloFigures>, ValidationProblem>> Handle(
        Guid tenantId, SloFiguresRequest request, SloReader reader, CancellationToken ct)
    {
        if (SloMath.Validate(request) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await reader.ReadAsync(tenantId, request, ct));
    }
}
