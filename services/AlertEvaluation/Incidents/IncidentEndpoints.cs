using System.Buffers.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.AlertEvaluation.History;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.AlertEvaluation.Incidents;

public sealed record TimelineEntry(
    DateTimeOffset At, string Kind, string? Event, Guid? ChannelId, int? EscalationLevel, Guid? RuleId, string? Detail)
{
    public static TimelineEntry From(AlertHistoryEntry h) => new(h.At, h.Kind, h.Event, h.ChannelId, h.EscalationLevel, h.RuleId, h.Detail);
}

public sealed record IncidentView(
    Guid Id,
    Guid MonitorId,
    string MonitorName,
    string Status,
    string? Error,
    DateTimeOffset FirstFailureAt,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    long? DurationSeconds,
    DateTimeOffset? AcknowledgedAt = null,
    Guid? AcknowledgedByKeyId = null,
    string? AcknowledgedBy = null,
    bool InMaintenance = false,
    string? HeldReason = null,
    IReadOnlyList<int>? NotifiedLevels = null,
    IReadOnlyList<string>? AffectedMonitors = null,
    IReadOnlyList<TimelineEntry>? Timeline = null)
{
    public static IncidentView From(Incident i, IReadOnlyList<TimelineEntry>? timeline = null, IReadOnlyList<string>? silencedChildren = null) => new(
        i.Id, i.MonitorId, i.MonitorName, i.ResolvedAt is null && i.AcknowledgedAt is not null ? "acknowledged" : i.Status,
        i.Error, i.FirstFailureAt, i.OpenedAt, i.ResolvedAt,
        i.ResolvedAt is { } r ? (long)(r - i.FirstFailureAt).TotalSeconds : null,
        i.AcknowledgedAt, i.AcknowledgedByKeyId, i.AcknowledgedBy, i.InMaintenance, i.HeldReason, i.NotifiedLevels,
        i.AffectedMonitors.Union(silencedChildren ?? []).ToList(), timeline);
}

public sealed record IncidentPage(IReadOnlyList<IncidentView> Items, string? NextCursor);

public sealed record AcknowledgeRequest(Guid? ApiKeyId = null, string? AcknowledgedBy = null);

public sealed record AlertHistoryView(
    Guid Id, Guid MonitorId, Guid? IncidentId, DateTimeOffset At, string Kind, string? Event, Guid? ChannelId,
    Guid? NotificationId, int? EscalationLevel, Guid? RuleId, string? Detail)
{
    public static AlertHistoryView From(AlertHistoryEntry h) =>
        new(h.Id, h.MonitorId, h.IncidentId, h.At, h.Kind, h.Event, h.ChannelId, h.NotificationId, h.EscalationLevel, h.RuleId, h.Detail);
}

public sealed record AlertHistoryPage(IReadOnlyList<AlertHistoryView> Items, string? NextCursor);

/// Internal API the Gateway reads incidents through (the Gateway owns tenants and checks the key; this trusts it).
public static class IncidentEndpoints
{
    public const string AcknowledgedStatus = "acknowledged";

    public static void MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/tenants/{tenantId:guid}");
        group.MapGet("/incidents", List);
        group.MapGet("/incidents/{id:guid}", Get);
        group.MapPost("/incidents/{id:guid}/acknowledge", Acknowledge);
        group.MapGet("/alerts", ListHistory);
    }

    static async Task<Results<Ok<IncidentPage>, ValidationProblem>> List(
        Guid tenantId, Guid? monitorId, string? status, int? limit, string? cursor, AlertingDb db, CancellationToken ct)
    {
        var errors = Validate(limit, cursor, out var take, out var after);
        if (status is not (null or Incident.OpenStatus or Incident.ResolvedStatus or AcknowledgedStatus))
            errors["status"] = ["status must be 'open', 'acknowledged' or 'resolved'."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var query = db.Incidents.AsNoTracking().Where(i => i.TenantId == tenantId);
        if (monitorId is { } m)
            query = query.Where(i => i.MonitorId == m);
        query = status switch
        {
            Incident.OpenStatus => query.Where(i => i.Status == Incident.OpenStatus && i.AcknowledgedAt == null),
            AcknowledgedStatus => query.Where(i => i.Status == Incident.OpenStatus && i.AcknowledgedAt != null),
            Incident.ResolvedStatus => query.Where(i => i.Status == Incident.ResolvedStatus),
            _ => query,
        };
        if (after is { } a)
            query = query.Where(i => i.Id.CompareTo(a) < 0);

        // Ids are version-7 GUIDs (time ordered), so newest first is id descending.
        var rows = await query.OrderByDescending(i => i.Id).Take(take + 1).ToListAsync(ct);
        var next = rows.Count > take ? Encode(rows[take - 1].Id) : null;
        return TypedResults.Ok(new IncidentPage(rows.Take(take).Select(i => IncidentView.From(i)).ToList(), next));
    }

    static async Task<Results<Ok<IncidentView>, NotFound>> Get(Guid tenantId, Guid id, AlertingDb db, CancellationToken ct)
    {
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id && i.TenantId == tenantId, ct);
        return incident is null ? TypedResults.NotFound() : TypedResults.Ok(await ViewAsync(db, incident, ct));
    }

    /// Stops further escalation levels and reminders. Takes the monitor's state row lock first, as the evaluators do,
    /// so an acknowledgement and a level firing never interleave. Acknowledging again changes nothing.
    static async Task<Results<Ok<IncidentView>, NotFound, ProblemHttpResult>> Acknowledge(
        Guid tenantId, Guid id, AcknowledgeRequest? request, AlertingDb db, TimeProvider clock, CancellationToken ct)
    {
        var monitorId = await db.Incidents.AsNoTracking().Where(i => i.Id == id && i.TenantId == tenantId).Select(i => (Guid?)i.MonitorId).FirstOrDefaultAsync(ct);
        if (monitorId is null)
            return TypedResults.NotFound();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var state = (await ResultEvaluation.LockStatesAsync(db, [monitorId.Value], ct)).GetValueOrDefault(monitorId.Value);
        var incident = await db.Incidents.SingleAsync(i => i.Id == id, ct);
        if (!incident.IsOpen)
            return TypedResults.Problem("The incident is resolved; only an open incident can be acknowledged.",
                statusCode: StatusCodes.Status409Conflict, title: "Incident already resolved.", type: "https://sentinel.dev/problems/conflict");
        if (incident.AcknowledgedAt is null)
        {
            var now = clock.GetUtcNow();
            incident.Acknowledge(now, request?.ApiKeyId, request?.AcknowledgedBy);
            // A held alert (maintenance) still needs its due time to be released; otherwise nothing is due any more.
            if (state is not null && incident.AlertedAt is not null)
                state.NextDueAt = null;
            var by = request?.AcknowledgedBy ?? request?.ApiKeyId?.ToString();
            db.History.Add(AlertHistoryEntry.For(incident.TenantId, incident.MonitorId, incident.Id, HistoryKinds.Acknowledged,
                by is null ? null : $"by {by}", now));
            db.Outbox.Add(OutboxMessage.Publish(
                new IncidentAcknowledged(incident.Id, incident.MonitorId, incident.TenantId, request?.ApiKeyId, request?.AcknowledgedBy, now), now));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, incident, ct));
    }

    static async Task<Results<Ok<AlertHistoryPage>, ValidationProblem>> ListHistory(
        Guid tenantId, Guid? monitorId, Guid? incidentId, string? kind, int? limit, string? cursor, AlertingDb db, CancellationToken ct)
    {
        if (Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors);
        var query = db.History.AsNoTracking().Where(h => h.TenantId == tenantId);
        if (monitorId is { } m)
            query = query.Where(h => h.MonitorId == m);
        if (incidentId is { } i)
            query = query.Where(h => h.IncidentId == i);
        if (kind is not null)
            query = query.Where(h => h.Kind == kind);
        if (after is { } a)
            query = query.Where(h => h.Id.CompareTo(a) < 0);
        var rows = await query.OrderByDescending(h => h.Id).Take(take + 1).ToListAsync(ct);
        var next = rows.Count > take ? Encode(rows[take - 1].Id) : null;
        return TypedResults.Ok(new AlertHistoryPage(rows.Take(take).Select(AlertHistoryView.From).ToList(), next));
    }

    static async Task<IncidentView> ViewAsync(AlertingDb db, Incident incident, CancellationToken ct)
    {
        var timeline = await db.History.AsNoTracking().Where(h => h.IncidentId == incident.Id)
            .OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => TimelineEntry.From(h)).ToListAsync(ct);
        var silencedChildren = await db.Incidents.AsNoTracking().Where(c => c.SuppressedByIncidentId == incident.Id)
            .Select(c => c.MonitorName).Distinct().ToListAsync(ct);
        return IncidentView.From(incident, timeline, silencedChildren);
    }

    static Dictionary<string, string[]> Validate(int? limit, string? cursor, out int take, out Guid? after)
    {
        var errors = new Dictionary<string, string[]>();
        take = limit ?? 50;
        after = null;
        if (take is < 1 or > 500)
            errors["limit"] = ["limit must be between 1 and 500."];
        if (cursor is not null)
        {
            if (TryDecode(cursor, out var id))
                after = id;
            else
                errors["cursor"] = ["cursor is not one this API returned."];
        }
        return errors;
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
