using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Sentinel.TelemetryIngest.Results;

/// Location: where the check ran (null when the Checker has none); Unknown: the Checker could not judge, so the
/// result counts neither as up nor as down in stats.
public sealed record ResultItem(
    Guid CheckId, bool Up, int? StatusCode, double LatencyMs, string? Error, DateTimeOffset DueAt, DateTimeOffset CheckedAt,
    string? Location, bool Unknown);

public sealed record ResultsPage(IReadOnlyList<ResultItem> Items, string? NextCursor);

/// Raw results of one monitor, newest first by due time, for the Gateway. Ordered, filtered and paged on
/// (due_at, check_id): the primary key (monitor_id, due_at, check_id) serves the whole query backwards and the day
/// partitions (by due_at) are pruned, so no second index per stored result is needed for it. Internal: the Gateway has already resolved the
/// caller's tenant, and the tenant filter here keeps one tenant's ids from reading another's results.
public static class GetResults
{
    public static IEndpointRouteBuilder MapGetResults(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}/results", Handle);
        return app;
    }

    // Query values arrive as strings so a malformed one gets the same problem response as an out-of-range one.
    static async Task<Results<Ok<ResultsPage>, ValidationProblem>> Handle(
        Guid tenantId, Guid monitorId, string? from, string? to, string? limit, string? cursor,
        TelemetryDb db, CancellationToken ct)
    {
        if (ResultsQuery.Parse(from, to, limit, cursor, out var errors) is not { } query)
            return TypedResults.ValidationProblem(errors);

        var rows = db.PingResults.Where(r => r.TenantId == tenantId && r.MonitorId == monitorId);
        if (query.From is { } fromAt)
            rows = rows.Where(r => r.DueAt >= fromAt);
        if (query.To is { } toAt)
            rows = rows.Where(r => r.DueAt < toAt);
        if (query.After is { } after)
            rows = rows.Where(r => EF.Functions.LessThan(
                ValueTuple.Create(r.DueAt, r.CheckId), ValueTuple.Create(after.At, after.Id)));

        // One row more than asked tells whether another page exists without a count query.
        var page = await rows
            .OrderByDescending(r => r.DueAt).ThenByDescending(r => r.CheckId)
            .Take(query.Limit + 1)
            .Select(r => new ResultItem(r.CheckId, r.Up, r.StatusCode, r.LatencyMs, r.Error, r.DueAt, r.CheckedAt, r.Location, r.Unknown))
            .ToListAsync(ct);

        string? next = null;
        if (page.Count > query.Limit)
        {
            page.RemoveAt(page.Count - 1);
            next = new ResultsCursor(page[^1].DueAt, page[^1].CheckId).Encode();
        }
        return TypedResults.Ok(new ResultsPage(page, next));
    }
}
