using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Sentinel.AlertEvaluation.Heartbeats;

public sealed record FlipView(DateTimeOffset At, string From, string To, string? Reason);

public sealed record FlipPage(IReadOnlyList<FlipView> Items, string? NextCursor);

public sealed record RunView(Guid RunId, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long? DurationMs, string Outcome);

public sealed record RunPage(IReadOnlyList<RunView> Items, string? NextCursor);

/// Internal API the Gateway reads a monitor's flips and a heartbeat's runs through. The tenant filter keeps one
/// tenant's ids from reading another's; a monitor without any simply has an empty list, as for incidents.
public static class HeartbeatEndpoints
{
    const int DefaultLimit = 50;
    const int MaxLimit = 500;

    public static void MapHeartbeatEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/tenants/{tenantId:guid}/monitors/{monitorId:guid}");
        group.MapGet("/flips", ListFlips);
        group.MapGet("/runs", ListRuns);
    }

    static async Task<Results<Ok<FlipPage>, ValidationProblem>> ListFlips(
        Guid tenantId, Guid monitorId, string? limit, string? cursor, AlertingDb db, CancellationToken ct)
    {
        if (Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors);
        var query = db.Flips.AsNoTracking().Where(f => f.TenantId == tenantId && f.MonitorId == monitorId);
        if (after is { } a)
            query = query.Where(f => EF.Functions.LessThan(ValueTuple.Create(f.At, f.Seq), ValueTuple.Create(a.At, a.Seq)));
        var rows = await query.OrderByDescending(f => f.At).ThenByDescending(f => f.Seq).Take(take + 1).ToListAsync(ct);
        var next = rows.Count > take ? new Position(rows[take - 1].At, Guid.Empty, rows[take - 1].Seq).Encode() : null;
        return TypedResults.Ok(new FlipPage(rows.Take(take).Select(f => new FlipView(f.At, f.From, f.To, f.Reason)).ToList(), next));
    }

    static async Task<Results<Ok<RunPage>, ValidationProblem>> ListRuns(
        Guid tenantId, Guid monitorId, string? limit, string? cursor, AlertingDb db, CancellationToken ct)
    {
        if (Validate(limit, cursor, out var take, out var after) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors);
        var query = db.HeartbeatRuns.AsNoTracking().Where(r => r.TenantId == tenantId && r.MonitorId == monitorId);
        if (after is { } a)
            query = query.Where(r => EF.Functions.LessThan(ValueTuple.Create(r.StartedAt, r.Id), ValueTuple.Create(a.At, a.Id)));
        var rows = await query.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Take(take + 1).ToListAsync(ct);
        var next = rows.Count > take ? new Position(rows[take - 1].StartedAt, rows[take - 1].Id, 0).Encode() : null;
        return TypedResults.Ok(new RunPage(rows.Take(take).Select(r => new RunView(
            r.RunId, r.StartedAt, r.FinishedAt, r.DurationMs is { } ms ? (long)Math.Round(ms) : null, r.Outcome)).ToList(), next));
    }

    static Dictionary<string, string[]> Validate(string? limit, string? cursor, out int take, out Position? after)
    {
        var errors = new Dictionary<string, string[]>();
        take = DefaultLimit;
        after = null;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."];
        if (cursor is not null && !Position.TryDecode(cursor, out after))
            errors["cursor"] = ["cursor is not one this API returned."];
        return errors;
    }

    /// Keyset position of the last row of a page: its time, then its id (runs) or recording order (flips). Opaque.
    sealed record Position(DateTimeOffset At, Guid Id, long Seq)
    {
        public string Encode() =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{At.UtcTicks}|{Id:N}|{Seq}")));

        public static bool TryDecode(string text, out Position? position)
        {
            position = null;
            if (!Base64Url.IsValid(text))
                return false;
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('|');
            if (parts.Length != 3
                || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks > DateTimeOffset.MaxValue.UtcTicks
                || !Guid.TryParseExact(parts[1], "N", out var id)
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
                return false;
            position = new Position(new DateTimeOffset(ticks, TimeSpan.Zero), id, seq);
            return true;
        }
    }
}
