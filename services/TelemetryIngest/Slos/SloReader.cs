using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Sentinel.TelemetryIngest.Stats;

namespace Sentinel.TelemetryIngest.Slos;

/// Counts checks and up checks of a set of monitors over windows ending now, exactly: each window is planned like a
/// stats window (StatsPlan: raw results for the partial hours at its edges and for hours still pending a rollup,
/// hourly rollups for whole hours, daily rollups for whole days) and summed in one statement. An SLO only needs the
/// two counts, so unlike StatsReader nothing is folded in C#.
public sealed class SloReader(TelemetryDb db, TimeProvider clock, IOptions<TelemetryOptions> options)
{
    public async Task<SloFigures> ReadAsync(Guid tenantId, SloFiguresRequest request, CancellationToken ct)
    {
        var to = clock.GetUtcNow();
        var length = TimeSpan.FromDays(request.WindowDays);
        var burnWindows = (request.BurnWindowsSeconds ?? SloMath.DefaultBurnWindowsSeconds).Distinct().ToList();
        var monitorIds = request.MonitorIds!.Distinct().ToArray();
        var rawKeptFrom = options.Value.RawKeptFrom(to);
        var longest = new[] { length }.Concat(burnWindows.Select(s => TimeSpan.FromSeconds(s))).Max();

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var pending = monitorIds.Length == 0
                ? []
                : await PendingHoursAsync(connection, tenantId, monitorIds, Time.FloorHour(to - longest), to, ct);

            var window = await CountAsync(connection, tenantId, monitorIds, to - length, to, rawKeptFrom, pending, ct);
            var burns = new List<BurnRateFigure>(burnWindows.Count);
            foreach (var seconds in burnWindows)
            {
                var counted = await CountAsync(connection, tenantId, monitorIds, to.AddSeconds(-seconds), to, rawKeptFrom, pending, ct);
                var bad = counted.Checks - counted.Good;
                burns.Add(new BurnRateFigure(seconds, SloMath.Label(seconds), counted.Checks, bad,
                    SloMath.BurnRate(request.ObjectivePercent, counted.Checks, bad)));
            }

            var badChecks = window.Checks - window.Good;
            return new SloFigures(window.From, to, request.ObjectivePercent, request.WindowDays, window.Checks, window.Good,
                badChecks, SloMath.Attained(window.Checks, window.Good),
                SloMath.Budget(length.TotalSeconds, request.ObjectivePercent, window.Checks, badChecks), burns);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// Pending marks of any of the monitors: such an hour is read raw for all of them, which is exact for every one
    /// (raw rows are the truth; the rollup is only a cache of them).
    static async Task<HashSet<DateTimeOffset>> PendingHoursAsync(
        NpgsqlConnection connection, Guid tenantId, Guid[] monitorIds, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            select distinct hour_start from telemetry.rollup_pending
            where tenant_id = $1 and monitor_id = any($2) and hour_start >= $3 and hour_start < $4
            """, connection);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = monitorIds });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        var hours = new HashSet<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            hours.Add(reader.GetFieldValue<DateTimeOffset>(0));
        return hours;
    }

    async Task<(DateTimeOffset From, long Checks, long Good)> CountAsync(
        NpgsqlConnection connection, Guid tenantId, Guid[] monitorIds, DateTimeOffset from, DateTimeOffset to,
        DateTimeOffset rawKeptFrom, HashSet<DateTimeOffset> pending, CancellationToken ct)
    {
        var plan = StatsPlan.Create(from, to, rawKeptFrom, pending, useDays: true);
        if (monitorIds.Length == 0)
            return (plan[0].Start, 0, 0);

        await using var command = new NpgsqlCommand { Connection = connection };
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = monitorIds });
        var selects = new List<string>();
        void Add(PartSource source, string sql, string column)
        {
            var ranges = new StringBuilder();
            foreach (var part in plan.Where(p => p.Source == source))
            {
                if (ranges.Length > 0)
                    ranges.Append(" or ");
                command.Parameters.Add(new() { Value = part.Start });
                command.Parameters.Add(new() { Value = part.End });
                ranges.Append($"({column} >= ${command.Parameters.Count - 1} and {column} < ${command.Parameters.Count})");
            }
            if (ranges.Length > 0)
                selects.Add($"{sql} where tenant_id = $1 and monitor_id = any($2) and ({ranges})");
        }
        Add(PartSource.Raw, "select (count(*) filter (where not unknown))::bigint, (count(*) filter (where up and not unknown))::bigint from telemetry.ping_results", "due_at");
        Add(PartSource.Hour, "select sum(checks)::bigint, sum(up_checks)::bigint from telemetry.rollup_hourly", "hour_start");
        Add(PartSource.Day, "select sum(checks)::bigint, sum(up_checks)::bigint from telemetry.rollup_daily", "day_start");
        command.CommandText = string.Join("\nunion all\n", selects);

        long checks = 0, good = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            checks += reader.IsDBNull(0) ? 0 : reader.GetInt64(0);
            good += reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
        }
        return (plan[0].Start, checks, good);
    }
}
