using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sentinel.Testing;

namespace Sentinel.Gateway.Tests.Heartbeats;

/// Stands in for the internal APIs heartbeats read from (separate processes this service does not own): the
/// Scheduler's state, Telemetry-Ingest's pings, Alert-Evaluation's flips and runs, on a loopback Kestrel port.
/// Monitors it has not been told about are 404, as the owners answer.
public sealed class FakeHeartbeatOwners : IAsyncDisposable
{
    LoopbackApp app = null!;

    public string Url => app.Url;
    public ConcurrentDictionary<Guid, object> States { get; } = new();
    public ConcurrentQueue<string> Requests { get; } = new();
    public TimeSpan StateDelay { get; set; }

    public static async Task<FakeHeartbeatOwners> StartAsync()
    {
        var fake = new FakeHeartbeatOwners();
        fake.app = await LoopbackApp.StartAsync(app =>
        {
            app.MapGet("/internal/tenants/{tenantId:guid}/heartbeats/{monitorId:guid}", async (Guid tenantId, Guid monitorId) =>
            {
                await Task.Delay(fake.StateDelay);
                return fake.States.TryGetValue(monitorId, out var state) ? Results.Json(state) : Results.NotFound();
            });
            app.MapGet("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}/pings", (Guid tenantId, Guid monitorId, HttpRequest request) =>
            {
                fake.Requests.Enqueue(request.Path + request.QueryString);
                return Results.Json(new
                {
                    items = new[]
                    {
                        new
                        {
                            pingId = Guid.CreateVersion7(), kind = "fail", receivedAt = "2026-01-01T00:00:00+00:00", method = "POST",
                            sourceIp = "10.0.0.1", userAgent = "curl/8", body = "exit 3", bodyTruncated = false, exitStatus = (int?)3,
                            runId = (Guid?)null, message = (string?)null, reportedLatencyMs = (double?)null,
                        },
                    },
                    nextCursor = "next-pings",
                });
            });
            app.MapGet("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}/flips", (Guid tenantId, Guid monitorId, HttpRequest request) =>
            {
                fake.Requests.Enqueue(request.Path + request.QueryString);
                return Results.Json(new
                {
                    items = new[] { new { at = "2026-01-01T00:00:00+00:00", from = "up", to = "down", reason = "late" } },
                    nextCursor = (string?)null,
                });
            });
            app.MapGet("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}/runs", (Guid tenantId, Guid monitorId, HttpRequest request) =>
            {
                fake.Requests.Enqueue(request.Path + request.QueryString);
                return Results.Json(new
                {
                    items = new[]
                    {
                        new
                        {
                            runId = Guid.Parse("0195f0a0-0000-7000-8000-000000000001"), startedAt = "2026-01-01T00:00:00+00:00",
                            finishedAt = "2026-01-01T00:00:42+00:00", durationMs = 42_000.0, outcome = "success",
                        },
                    },
                    nextCursor = (string?)null,
                });
            });
        });
        return fake;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
