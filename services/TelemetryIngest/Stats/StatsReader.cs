using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Sentinel.TelemetryIngest.Rollups;

namespace Sentinel.TelemetryIngest.Stats;

/// Answers a stats request from raw results and rollups (see StatsPlan) in at most five small queries.
/// Downtime comes from result transitions, not incidents: the time from each down result to the next result
/// counts as down, clipped to the window, including the time since the last result when that one was down. That
/// keeps stats inside Telemetry (no read of Alert-Evaluation's incidents) and makes the number independent of
/// alert thresholds.
public sealed class StatsReader(TelemetryDb db, TimeProvider clock, IOptions<TelemetryOptions> options)
{
    /// Windows up to this length are read from raw results only, so their percentiles are exact.
    public static readonly TimeSpan RawOnlyUpTo = TimeSpan.FromHours(24);

    const string RollupColumns = """
        checks, up_checks, latency_min, latency_max, latency_sum, first_at, first_up, last_at, last_up, down_seconds,
        histogram_buckets, histogram_counts
        """;

    public async Task<MonitorStats> ReadAsync(Guid tenantId, Guid monitorId, StatsRequest request, CancellationToken ct)
    {
        var to = clock.GetUtcNow();
        var from = to - request.Length;
        var rawKeptFrom = options.Value.RawKeptFrom(to);
        var rawOnly = request.Length <= RawOnlyUpTo && from >= rawKeptFrom;

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var pending = rawOnly
                ? new HashSet<DateTimeOffset>()
                : await PendingHoursAsync(connection, tenantId, monitorId, Time.FloorHour(from), to, ct);
            IReadOnlyList<PlanPart> plan = rawOnly
                ? [new PlanPart(PartSource.Raw, from, to)]
                : StatsPlan.Create(from, to, rawKeptFrom, pending, useDays: request.BucketLength != TimeSpan.FromHours(1));

            var pieces = new List<(DateTimeOffset Start, CheckSummary Summary)>();
            var rawLatencies = new List<double>();
            await ReadRawAsync(connection, tenantId, monitorId, plan, pieces, rawLatencies, ct);
            await ReadRollupsAsync(connection, "rollup_hourly", "hour_start", PartSource.Hour, tenantId, monitorId, plan, pieces, ct);
            await ReadRollupsAsync(connection, "rollup_daily", "day_start", PartSource.Day, tenantId, monitorId, plan, pieces, ct);
            pieces.Sort((a, b) => a.Start.CompareTo(b.Start));

            var windowStart = plan[0].Start;
            var prior = await PriorResultAsync(connection, tenantId, monitorId, windowStart, ct);

            var total = Timeline.Fold(windowStart, to, null, prior, pieces)[0];
            var latency = total.Summary.UpChecks == 0
                ? null
                : rawOnly
                    ? Exact(total.Summary, rawLatencies)
                    : new LatencyStats(total.Summary.LatencyMin!.Value, total.Summary.LatencyAvg!.Value,
                        total.Summary.LatencyMax!.Value, total.Summary.Histogram.Quantile(0.5)!.Value,
                        total.Summary.Histogram.Quantile(0.95)!.Value, total.Summary.Histogram.Quantile(0.99)!.Value);

            List<StatsBucket>? buckets = null;
            if (request.BucketLength is { } bucketLength)
                buckets = Timeline.Fold(windowStart, to, bucketLength, prior, pieces)
                    .Select(b => new StatsBucket(b.Start, b.End, b.Summary.Checks, b.Summary.UpChecks,
                        Uptime(b.Summary), b.DownSeconds, b.Summary.LatencyAvg, b.Summary.Histogram.Quantile(0.95)))
                    .ToList();

            return new MonitorStats(monitorId, request.Window, windowStart, to, total.Summary.Checks,
                total.Summary.UpChecks, Uptime(total.Summary), total.DownSeconds, latency, rawOnly, request.Series, buckets);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static double? Uptime(CheckSummary s) => s.Checks == 0 ? null : 100.0 * s.UpChecks / s.Checks;

    /// Percentiles interpolated between the two nearest ranks, as PostgreSQL's percentile_cont computes them.
    static LatencyStats Exact(CheckSummary summary, List<double> latencies)
    {
        latencies.Sort();
        return new LatencyStats(summary.LatencyMin!.Value, summary.LatencyAvg!.Value, summary.LatencyMax!.Value,
            Percentile(latencies, 0.5), Percentile(latencies, 0.95), Percentile(latencies, 0.99));
    }

    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        var rank = q * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    static async Task<HashSet<DateTimeOffset>> PendingHoursAsync(
        NpgsqlConnection connection, Guid tenantId, Guid monitorId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            select hour_start from telemetry.rollup_pending
            where tenant_id = $1 and monitor_id = $2 and hour_start >= $3 and hour_start < $4
            """, connection);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = monitorId });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        var hours = new HashSet<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            hours.Add(reader.GetFieldValue<DateTimeOffset>(0));
        return hours;
    }

    /// Raw results of the plan's raw parts, cut into one summary per hour so that every piece fits in one bucket.
    static async Task ReadRawAsync(
        NpgsqlConnection connection, Guid tenantId, Guid monitorId, IReadOnlyList<PlanPart> plan,
        List<(DateTimeOffset, CheckSummary)> pieces, List<double> latencies, CancellationToken ct)
    {
        await using var command = RangeQuery(connection, """
            select due_at, up, latency_ms from telemetry.ping_results
            where tenant_id = $1 and monitor_id = $2 and ({0})
            order by due_at
            """, "due_at", PartSource.Raw, tenantId, monitorId, plan);
        if (command is null)
            return;
        await using var reader = await command.ExecuteReaderAsync(ct);
        CheckSummary? current = null;
        var currentHour = DateTimeOffset.MinValue;
        while (await reader.ReadAsync(ct))
        {
            var dueAt = reader.GetFieldValue<DateTimeOffset>(0);
            var (up, latency) = (reader.GetBoolean(1), reader.GetDouble(2));
            var hour = Time.FloorHour(dueAt);
            if (current is null || hour != currentHour)
            {
                current = new CheckSummary();
                currentHour = hour;
                pieces.Add((hour, current));
            }
            current.AddResult(dueAt, up, latency);
            if (up)
                latencies.Add(latency);
        }
    }

    static async Task ReadRollupsAsync(
        NpgsqlConnection connection, string table, string startColumn, PartSource source, Guid tenantId, Guid monitorId,
        IReadOnlyList<PlanPart> plan, List<(DateTimeOffset, CheckSummary)> pieces, CancellationToken ct)
    {
        await using var command = RangeQuery(connection, $"""
            select {startColumn}, {RollupColumns} from telemetry.{table}
            where tenant_id = $1 and monitor_id = $2 and ({"{0}"})
            """, startColumn, source, tenantId, monitorId, plan);
        if (command is null)
            return;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            pieces.Add((reader.GetFieldValue<DateTimeOffset>(0), RollupWriter.ReadSummary(reader, 1)));
    }

    /// One query over all parts of a source: "(column >= $3 and column < $4) or …". Parameters, never text, carry
    /// the times; the number of ranges is small (edges and pending hours).
    static NpgsqlCommand? RangeQuery(
        NpgsqlConnection connection, string sql, string column, PartSource source, Guid tenantId, Guid monitorId,
        IReadOnlyList<PlanPart> plan)
    {
        var parts = plan.Where(p => p.Source == source).ToList();
        if (parts.Count == 0)
            return null;
        var command = new NpgsqlCommand { Connection = connection };
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = monitorId });
        var ranges = new StringBuilder();
        foreach (var part in parts)
        {
            if (ranges.Length > 0)
                ranges.Append(" or ");
            command.Parameters.Add(new() { Value = part.Start });
            command.Parameters.Add(new() { Value = part.End });
            ranges.Append($"({column} >= ${command.Parameters.Count - 1} and {column} < ${command.Parameters.Count})");
        }
        command.CommandText = sql.Replace("{0}", ranges.ToString(), StringComparison.Ordinal);
        return command;
    }

    /// The last result before the window, if it is at most a day older: when it was down, the window starts down.
    static async Task<(DateTimeOffset At, bool Up)?> PriorResultAsync(
        NpgsqlConnection connection, Guid tenantId, Guid monitorId, DateTimeOffset windowStart, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            (select due_at, up, 0 as source from telemetry.ping_results
             where tenant_id = $1 and monitor_id = $2 and due_at < $3 and due_at >= $4
             order by due_at desc limit 1)
            union all
            (select last_at, last_up, 1 from telemetry.rollup_hourly
             where tenant_id = $1 and monitor_id = $2 and hour_start < $3 and hour_start >= $4 and last_at < $3
             order by hour_start desc limit 1)
            """, connection);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = monitorId });
        command.Parameters.Add(new() { Value = windowStart });
        command.Parameters.Add(new() { Value = windowStart.AddDays(-1) });
        (DateTimeOffset At, bool Up)? latest = null;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var at = reader.GetFieldValue<DateTimeOffset>(0);
            if (latest is null || at > latest.Value.At)
                latest = (at, reader.GetBoolean(1));
        }
        return latest;
    }
}
