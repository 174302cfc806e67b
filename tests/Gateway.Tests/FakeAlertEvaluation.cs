using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sentinel.Testing;

namespace Sentinel.Gateway.Tests;

/// Stands in for the internal HTTP APIs of Alert-Evaluation and Delivery (edges this service does not own) on a
/// loopback Kestrel port. It keeps the query strings it was asked with so tests can check what was passed through.
public sealed class FakeAlertEvaluation : IAsyncDisposable
{
    LoopbackApp app = null!;

    public string Url => app.Url;
    public Guid TenantId { get; set; }
    public Guid IncidentId { get; } = Guid.CreateVersion7();
    public Guid MonitorId { get; set; }
    public List<string> Requests { get; } = [];

    public static async Task<FakeAlertEvaluation> StartAsync()
    {
        var fake = new FakeAlertEvaluation();
        fake.app = await LoopbackApp.StartAsync(app =>
        {
            app.MapGet("/internal/tenants/{tenantId:guid}/incidents", (Guid tenantId, HttpRequest request) =>
            {
                fake.Requests.Add(request.Path + request.QueryString);
                var items = tenantId == fake.TenantId ? new[] { fake.Incident() } : [];
                return Results.Json(new { items, nextCursor = "next-page" });
            });
            app.MapGet("/internal/tenants/{tenantId:guid}/incidents/{id:guid}", (Guid tenantId, Guid id) =>
                tenantId == fake.TenantId && id == fake.IncidentId ? Results.Json(fake.Incident()) : Results.NotFound());
            app.MapGet("/internal/tenants/{tenantId:guid}/deliveries", (Guid tenantId, HttpRequest request) =>
            {
                fake.Requests.Add(request.Path + request.QueryString);
                return Results.Json(new
                {
                    items = new[]
                    {
                        new
                        {
                            notificationId = Guid.CreateVersion7(), channelId = Guid.CreateVersion7(), incidentId = fake.IncidentId,
                            monitorId = fake.MonitorId, @event = "down", status = "delivered", attempts = 1, lastError = (string?)null,
                            lastStatusCode = 200, createdAt = DateTimeOffset.UnixEpoch, updatedAt = DateTimeOffset.UnixEpoch,
                            deliveredAt = DateTimeOffset.UnixEpoch,
                        },
                    },
                    nextCursor = (string?)null,
                });
            });

            app.MapGet("/internal/locations", () => Results.Json(new
            {
                items = new[]
                {
                    new
                    {
                        name = "eu-west", status = "unknown", reason = "canaries unreachable: tcp://10.0.0.1:53", since = "2026-01-01T00:00:00+00:00",
                        outageSince = "2026-01-01T00:00:00+00:00",
                        checkers = new[] { new { checkerId = Guid.Empty, healthy = false, reason = "canaries unreachable", canaries = 1, lastSeenAt = "2026-01-01T00:00:01+00:00" } },
                    },
                },
            }));
            app.MapGet("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}/rounds", (Guid tenantId, Guid monitorId, HttpRequest request) =>
            {
                fake.Requests.Add(request.Path + request.QueryString);
                return Results.Json(new
                {
                    items = new[]
                    {
                        new
                        {
                            roundId = monitorId, dueAt = "2026-01-01T00:00:00+00:00", status = "incomplete", quorum = 2,
                            locations = new object[]
                            {
                                new { location = "eu-west", result = "down", error = "HTTP 503", checkedAt = "2026-01-01T00:00:01+00:00", late = false },
                                new { location = "us-east", result = "missing", error = (string?)null, checkedAt = (string?)null, late = false },
                            },
                            closedAt = "2026-01-01T00:00:15+00:00", detail = "no result from us-east within the round's timeout",
                        },
                    },
                });
            });
        });
        return fake;
    }

    object Incident() => new
    {
        id = IncidentId,
        monitorId = MonitorId,
        monitorName = "api",
        status = "resolved",
        error = "HTTP 503",
        firstFailureAt = "2026-01-01T00:00:00+00:00",
        openedAt = "2026-01-01T00:00:05+00:00",
        resolvedAt = "2026-01-01T00:10:05+00:00",
        durationSeconds = 600,
    };

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
