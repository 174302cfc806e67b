using Sentinel.Contracts;

namespace Sentinel.Checker.Checks;

/// Internal API for the Gateway's check-now: run one check at once and answer its result. Nothing is published,
/// so a trial run never changes the monitor's status or history.
public static class CheckNowEndpoint
{
    public static void MapCheckNow(this WebApplication app) =>
        app.MapPost("/internal/checks", async (DueCheck check, CheckRunner runner, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await runner.RunMeasuredAsync(check, clock, ct)));
}
