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
        var scope = new Scope(tenantId, monitorId, request.Location);

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var pending = rawOnly
                ? new HashSet<DateTimeOffset>()
                : await PendingHoursAsync(connection, scope, Time.FloorHour(from), to, ct);
            IReadOnlyList<PlanPart> plan = rawOnly
                ? [new PlanPart(PartSource.Raw, from, to)]
                : StatsPlan.Create(from, to, rawKeptFrom, pending, useDays: request.BucketLength != TimeSpan.FromHours(1));

            var pieces = new Dictionary<string, List<(DateTimeOffset Start, CheckSummary Summary)>>(StringComparer.Ordinal);
            var rawLatencies = new List<double>();
            await ReadRawAsync(connection, scope, plan, pieces, rawLatencies, ct);
            await ReadRollupsAsync(connection, "rollup_hourly", "hour_start", PartSource.Hour, scope, plan, pieces, ct);
            await ReadRollupsAsync(connection, "rollup_daily", "day_start", PartSource.Day, scope, plan, pieces, ct);

            var windowStart = plan[0].Start;
            var priors = await PriorResultsAsync(connection, scope, pieces.Keys, windowStart, ct);
            foreach (var location in priors.Keys)
                pieces.TryAdd(location, []);

            var total = new TimelineBucket(windowStart, to);
            var buckets = request.BucketLength is { } length
                ? Timeline.Fold(windowStart, to, length, null, []).ToList()
                : null;
            // Each location is its own timeline: a down result in one place is followed by the next result from
            // the same place. Counts and latencies add up; downtime is the mean over the locations, which keeps it
            // consistent with the uptime percentage (up checks over all checks).
            foreach (var (location, locationPieces) in pieces)
            {
                locationPieces.Sort((a, b) => a.Start.CompareTo(b.Start));
                var prior = priors.TryGetValue(location, out var p) ? p : ((DateTimeOffset, bool)?)null;
                Add(total, Timeline.Fold(windowStart, to, null, prior, locationPieces)[0], pieces.Count);
                if (buckets is not null)
                {
                    var folded = Timeline.Fold(windowStart, to, request.BucketLength, prior, locationPieces);
                    for (var i = 0; i < buckets.Count; i++)
                        Add(buckets[i], folded[i], pieces.Count);
                }
            }

            var latency = total.Summary.UpChecks == 0
                ? null
                : rawOnly
                    ? Exact(total.Summary, rawLatencies)
                    : new LatencyStats(total.Summary.LatencyMin!.Value, total.Summary.LatencyAvg!.Value,
                        total.Summary.LatencyMax!.Value, total.Summary.Histogram.Quantile(0.5)!.Value,
                        total.Summary.Histogram.Quantile(0.95)!.Value, total.Summary.Histogram.Quantile(0.99)!.Value);

            var series = buckets?
                .Select(b => new StatsBucket(b.Start, b.End, b.Summary.Checks, b.Summary.UpChecks,
                    Uptime(b.Summary), b.DownSeconds, b.Summary.LatencyAvg, b.Summary.Histogram.Quantile(0.95)))
                .ToList();

            return new MonitorStats(monitorId, request.Window, windowStart, to, total.Summary.Checks,
                total.Summary.UpChecks, Uptime(total.Summary), total.DownSeconds, latency, rawOnly, request.Series, series)
            {
                Location = request.Location,
            };
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// Whose results a request reads: one monitor of one tenant, and one location when Location is set.
    sealed record Scope(Guid TenantId, Guid MonitorId, string? Location)
    {
        /// "tenant_id = $1 and monitor_id = $2[ and location = $3]" with its parameters added to the command.
        public string Filter(NpgsqlCommand command, string locationColumn)
        {
            command.Parameters.Add(new() { Value = TenantId });
            command.Parameters.Add(new() { Value = MonitorId });
            if (Location is null)
                return "tenant_id = $1 and monitor_id = $2";
            command.Parameters.Add(new() { Value = Location });
            return $"tenant_id = $1 and monitor_id = $2 and {locationColumn} = $3";
        }
    }

    /// Prepared, so a statement seen before on this pooled connection skips parsing, and after a few runs planning
    /// too (a generic plan, pruned to the window's partitions at run time): the window shapes repeat, and planning
    /// a query over a dozen day partitions cost more than running it.
    static async Task<NpgsqlDataReader> ExecuteAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await command.PrepareAsync(ct);
        return await command.ExecuteReaderAsync(ct);
    }

    static void Add(TimelineBucket into, TimelineBucket location, int locations)
    {
        into.Summary.Append(location.Summary, countSeam: false);
        into.DownSeconds += location.DownSeconds / locations;
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
        NpgsqlConnection connection, Scope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        var filter = scope.Filter(command, "location");
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        var n = command.Parameters.Count;
        command.CommandText = $"""
            select distinct hour_start from telemetry.rollup_pending
            where {filter} and hour_start >= ${n - 1} and hour_start < ${n}
            """;
        var hours = new HashSet<DateTimeOffset>();
        await using var reader = await ExecuteAsync(command, ct);
        while (await reader.ReadAsync(ct))
            hours.Add(reader.GetFieldValue<DateTimeOffset>(0));
        return hours;
    }

    static List<(DateTimeOffset Start, CheckSummary Summary)> PiecesOf(
        Dictionary<string, List<(DateTimeOffset Start, CheckSummary Summary)>> pieces, string location)
    {
        if (!pieces.TryGetValue(location, out var list))
            pieces[location] = list = [];
        return list;
    }

    /// Raw results of the plan's raw parts, cut into one summary per location and hour so that every piece fits in
    /// one bucket. Unknown results are skipped: neither up nor down.
    static async Task ReadRawAsync(
        NpgsqlConnection connection, Scope scope, IReadOnlyList<PlanPart> plan,
        Dictionary<string, List<(DateTimeOffset, CheckSummary)>> pieces, List<double> latencies, CancellationToken ct)
    {
        await using var command = RangeQuery(connection, """
            select due_at, up, latency_ms, coalesce(location, '') from telemetry.ping_results
            where {filter} and not unknown and ({0})
            order by due_at
            """, "due_at", "location", PartSource.Raw, scope, plan);
        if (command is null)
            return;
        await using var reader = await ExecuteAsync(command, ct);
        var current = new Dictionary<string, (DateTimeOffset Hour, CheckSummary Summary)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var dueAt = reader.GetFieldValue<DateTimeOffset>(0);
            var (up, latency, location) = (reader.GetBoolean(1), reader.GetDouble(2), reader.GetString(3));
            var hour = Time.FloorHour(dueAt);
            if (!current.TryGetValue(location, out var piece) || piece.Hour != hour)
            {
                current[location] = piece = (hour, new CheckSummary());
                PiecesOf(pieces, location).Add((hour, piece.Summary));
            }
            piece.Summary.AddResult(dueAt, up, latency);
            if (up)
                latencies.Add(latency);
        }
    }

    static async Task ReadRollupsAsync(
        NpgsqlConnection connection, string table, string startColumn, PartSource source, Scope scope,
        IReadOnlyList<PlanPart> plan, Dictionary<string, List<(DateTimeOffset, CheckSummary)>> pieces, CancellationToken ct)
    {
        await using var command = RangeQuery(connection, $"""
            select location, {startColumn}, {RollupColumns} from telemetry.{table}
            where {"{filter}"} and ({"{0}"})
            """, startColumn, "location", source, scope, plan);
        if (command is null)
            return;
        await using var reader = await ExecuteAsync(command, ct);
        while (await reader.ReadAsync(ct))
            PiecesOf(pieces, reader.GetString(0)).Add((reader.GetFieldValue<DateTimeOffset>(1), RollupWriter.ReadSummary(reader, 2)));
    }

    /// One query over all parts of a source: "(column >= $3 and column < $4) or …". Parameters, never text, carry
    /// the times; the number of ranges is small (edges and pending hours).
    static NpgsqlCommand? RangeQuery(
        NpgsqlConnection connection, string sql, string column, string locationColumn, PartSource source, Scope scope,
        IReadOnlyList<PlanPart> plan)
    {
        var parts = plan.Where(p => p.Source == source).ToList();
        if (parts.Count == 0)
            return null;
        var command = new NpgsqlCommand { Connection = connection };
        var filter = scope.Filter(command, locationColumn);
        var ranges = new StringBuilder();
        foreach (var part in parts)
        {
            if (ranges.Length > 0)
                ranges.Append(" or ");
            command.Parameters.Add(new() { Value = part.Start });
            command.Parameters.Add(new() { Value = part.End });
            ranges.Append($"({column} >= ${command.Parameters.Count - 1} and {column} < ${command.Parameters.Count})");
        }
        command.CommandText = sql.Replace("{filter}", filter, StringComparison.Ordinal).Replace("{0}", ranges.ToString(), StringComparison.Ordinal);
        return command;
    }

    /// Per location, the last known result before the window if it is at most a day older: when it was down, the
    /// window starts down there. Asked for the locations seen in the window (one query, one index walk backwards
    /// each); with none seen, for the newest result of any location, as a monitor that went silent was down.
    static async Task<Dictionary<string, (DateTimeOffset At, bool Up)>> PriorResultsAsync(
        NpgsqlConnection connection, Scope scope, IReadOnlyCollection<string> locations, DateTimeOffset windowStart,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        var filter = scope.Filter(command, "location");
        command.Parameters.Add(new() { Value = windowStart });
        command.Parameters.Add(new() { Value = windowStart.AddDays(-1) });
        var (start, dayBefore) = ($"${command.Parameters.Count - 1}", $"${command.Parameters.Count}");
        var sql = new StringBuilder();
        void Add(string rawLocation, string hourlyLocation)
        {
            if (sql.Length > 0)
                sql.Append(" union all ");
            sql.Append($"""
                (select coalesce(location, ''), due_at, up from telemetry.ping_results
                 where {filter}{rawLocation} and due_at < {start} and due_at >= {dayBefore} and not unknown
                 order by due_at desc limit 1)
                union all
                (select location, last_at, last_up from telemetry.rollup_hourly
                 where {filter}{hourlyLocation} and hour_start < {start} and hour_start >= {dayBefore} and last_at < {start}
                 order by hour_start desc limit 1)
                """);
        }
        if (scope.Location is not null || locations.Count == 0)
            Add("", "");
        else
            foreach (var location in locations)
            {
                command.Parameters.Add(new() { Value = location });
                var p = $"${command.Parameters.Count}";
                Add(location.Length == 0 ? " and location is null" : $" and location = {p}", $" and location = {p}");
            }
        command.CommandText = sql.ToString();

        var latest = new Dictionary<string, (DateTimeOffset At, bool Up)>(StringComparer.Ordinal);
        await using var reader = await ExecuteAsync(command, ct);
        while (await reader.ReadAsync(ct))
        {
            var (location, at) = (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
            if (!latest.TryGetValue(location, out var known) || at > known.At)
                latest[location] = (at, reader.GetBoolean(2));
        }
        return latest;
    }
}
