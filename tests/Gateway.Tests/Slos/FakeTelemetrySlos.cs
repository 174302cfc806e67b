using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sentinel.Testing;

namespace Sentinel.Gateway.Tests.Slos;

/// Stands in for Telemetry-Ingest's SLO endpoint (an edge the Gateway does not own) on a loopback port, keeping the
/// path and body of every request and answering figures that echo what was asked.
public sealed class FakeTelemetrySlos : IAsyncDisposable
{
    LoopbackApp app = null!;

    public string Url => app.Url;
    public ConcurrentQueue<(string Path, JsonElement Body)> Requests { get; } = new();

    public static async Task<FakeTelemetrySlos> StartAsync()
    {
        var fake = new FakeTelemetrySlos();
        fake.app = await LoopbackApp.StartAsync(app =>
        {
            app.MapPost("/internal/tenants/{tenantId:guid}/slo-figures", (Guid tenantId, JsonElement body, HttpRequest request) =>
            {
                fake.Requests.Enqueue((request.Path, body));
                var objective = body.GetProperty("objectivePercent").GetDouble();
                var days = body.GetProperty("windowDays").GetInt32();
                return Results.Json(new
                {
                    from = "2026-01-01T00:00:00+00:00", to = "2026-01-31T00:00:00+00:00", objectivePercent = objective, windowDays = days,
                    checks = 43200, goodChecks = 43170, badChecks = 30, attainedPercent = 99.93055555555556,
                    errorBudget = new { totalSeconds = 2592.0, spentSeconds = 1800.0, remainingSeconds = 792.0, spentPercent = 69.44444444444444, remainingPercent = 30.555555555555557 },
                    burnRates = new[]
                    {
                        new { windowSeconds = 3600, window = "1h", checks = 60L, badChecks = 3L, burnRate = (double?)50.0 },
                        new { windowSeconds = 21600, window = "6h", checks = 360L, badChecks = 3L, burnRate = (double?)8.333333333333334 },
                    },
                });
            });
        });
        return fake;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
