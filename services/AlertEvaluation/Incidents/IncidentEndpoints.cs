using System.Buffers.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Sentinel.AlertEvaluation.Incidents;

public sealed record IncidentView(
    Guid Id,
    Guid MonitorId,
    string MonitorName,
    string Status,
    string? Error,
    DateTimeOffset FirstFailureAt,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    long? DurationSeconds)
{
    public static IncidentView From(Incident i) => new(
        i.Id, i.MonitorId, i.MonitorName, i.Status, i.Error, i.FirstFailureAt, i.OpenedAt, i.ResolvedAt,
        i.ResolvedAt is { } r ? (long)(r - i.FirstFailureAt).TotalSeconds : null);
}

public sealed record IncidentPage(IReadOnlyList<IncidentView> Items, string? NextCursor);

/// Internal API the Gateway reads incidents through (the Gateway owns tenants and checks the key; this trusts it).
public static class IncidentEndpoints
{
    public static void MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/tenants/{tenantId:guid}/incidents");
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get);
    }

    static async Task<Results<Ok<IncidentPage>, ValidationProblem>> List(
        Guid tenantId, Guid? monitorId, string? status, int? limit, string? cursor, AlertingDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = limit ?? 50;
        if (take is < 1 or > 500)
            errors["limit"] = ["limit must be between 1 and 500."];
        if (status is not (null or Incident.OpenStatus or Incident.ResolvedStatus))
            errors["status"] = ["status must be 'open' or 'resolved'."];
        Guid? after = null;
        if (cursor is not null)
        {
            if (TryDecode(cursor, out var id))
                after = id;
            else
                errors["cursor"] = ["cursor is not one this API returned."];
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var query = db.Incidents.AsNoTracking().Where(i => i.TenantId == tenantId);
        if (monitorId is { } m)
            query = query.Where(i => i.MonitorId == m);
        if (status is not null)
            query = query.Where(i => i.Status == status);
        if (after is { } a)
            query = query.Where(i => i.Id.CompareTo(a) < 0);

        // Ids are version-7 GUIDs (time ordered), so newest first is id descending.
        var rows = await query.OrderByDescending(i => i.Id).Take(take + 1).ToListAsync(ct);
        var next = rows.Count > take ? Encode(rows[take - 1].Id) : null;
        return TypedResults.Ok(new IncidentPage(rows.Take(take).Select(IncidentView.From).ToList(), next));
    }

    static async Task<Results<Ok<IncidentView>, NotFound>> Get(Guid tenantId, Guid id, AlertingDb db, CancellationToken ct)
    {
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id && i.TenantId == tenantId, ct);
        return incident is null ? TypedResults.NotFound() : TypedResults.Ok(IncidentView.From(incident));
    }

    static string Encode(Guid id) => Base64Url.EncodeToString(id.ToByteArray());

    static bool TryDecode(string cursor, out Guid id)
    {
        id = Guid.Empty;
        Span<byte> bytes = stackalloc byte[16];
        if (!Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != 16)
            return false;
        id = new Guid(bytes);
        return true;
    }
}
