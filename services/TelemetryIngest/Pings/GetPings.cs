using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.TelemetryIngest.Results;

namespace Sentinel.TelemetryIngest.Pings;

public sealed record PingItem(
    Guid PingId,
    string Kind,
    DateTimeOffset ReceivedAt,
    string Method,
    string? SourceIp,
    string? UserAgent,
    string? Body,
    bool BodyTruncated,
    int? ExitStatus,
    Guid? RunId,
    string? Message,
    double? ReportedLatencyMs);

public sealed record PingsPage(IReadOnlyList<PingItem> Items, string? NextCursor);

/// A heartbeat's pings with their bodies, newest first, for the Gateway. The tenant filter keeps one tenant's ids
/// from reading another's pings; an unknown monitor simply has none.
public static class GetPings
{
    public static IEndpointRouteBuilder MapGetPings(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}/pings", Handle);
        return app;
    }

    static async Task<Results<Ok<PingsPage>, ValidationProblem>> Handle(
        Guid tenantId, Guid monitorId, string? limit, string? cursor, TelemetryDb db, CancellationToken ct)
    {
        // Same limit and keyset cursor as the results listing: (time, id) of the last row returned.
        if (ResultsQuery.Parse(null, null, limit, cursor, out var errors) is not { } query)
            return TypedResults.ValidationProblem(errors);

        var rows = db.HeartbeatPings.AsNoTracking().Where(p => p.TenantId == tenantId && p.MonitorId == monitorId);
        if (query.After is { } after)
            rows = rows.Where(p => EF.Functions.LessThan(
                ValueTuple.Create(p.ReceivedAt, p.PingId), ValueTuple.Create(after.At, after.Id)));

        var page = await rows
            .OrderByDescending(p => p.ReceivedAt).ThenByDescending(p => p.PingId)
            .Take(query.Limit + 1)
            .Select(p => new PingItem(p.PingId, p.Kind, p.ReceivedAt, p.Method, p.SourceIp, p.UserAgent, p.Body,
                p.BodyTruncated, p.ExitStatus, p.RunId, p.Message, p.ReportedLatencyMs))
            .ToListAsync(ct);

        string? next = null;
        if (page.Count > query.Limit)
        {
            page.RemoveAt(page.Count - 1);
            next = new ResultsCursor(page[^1].ReceivedAt, page[^1].PingId).Encode();
        }
        return TypedResults.Ok(new PingsPage(page, next));
    }
}
