using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Sentinel.TelemetryIngest.Rollups;

public sealed record RollupProgress(int Hours, int Days);

/// Folds raw results into hourly rollups and hourly rollups into daily ones, incrementally: only the hours listed
/// in rollup_pending (marked by the ingest when a result for them was stored) are recomputed, from all their raw
/// rows, so a late result for an hour rolled up long ago is counted exactly. Hourly values are computed in
/// PostgreSQL (exact percentiles per hour); a day is recomputed from its hours (percentiles from the merged
/// histogram, within 1 %).
public sealed class RollupWriter(TelemetryDb db, TimeProvider clock)
{
    const string Claim = """
        create temp table claimed on commit drop as
        with taken as (
            delete from telemetry.rollup_pending
            where (tenant_id, monitor_id, hour_start, location) in (
                select tenant_id, monitor_id, hour_start, location from telemetry.rollup_pending
                where hour_start <= $1
                order by hour_start
                limit $2
                for update skip locked)
            returning tenant_id, monitor_id, hour_start, location)
        select * from taken
        """;

    // Rollups are kept per location ('' for results without one); unknown results (the Checker could not judge)
    // are neither up nor down, so they are left out here as if they had not happened.
    static readonly string Hourly = $$"""
        with raw as (
            select c.tenant_id, c.monitor_id, c.hour_start, c.location, r.up, r.latency_ms, r.due_at,
                   lead(r.due_at) over (partition by c.tenant_id, c.monitor_id, c.hour_start, c.location order by r.due_at) as next_due_at
            from claimed c
            join telemetry.ping_results r
              on r.monitor_id = c.monitor_id and r.tenant_id = c.tenant_id
             and r.due_at >= c.hour_start and r.due_at < c.hour_start + interval '1 hour'
             and coalesce(r.location, '') = c.location and not r.unknown
        ), buckets as (
            select tenant_id, monitor_id, hour_start, location, {{LatencyHistogram.SqlBucketOf}} as bucket, count(*)::int as n
            from raw where up
            group by 1, 2, 3, 4, 5
        ), histograms as (
            select tenant_id, monitor_id, hour_start, location,
                   array_agg(bucket order by bucket) as buckets, array_agg(n order by bucket) as counts
            from buckets
            group by 1, 2, 3, 4
        ), hours as (
            select tenant_id, monitor_id, hour_start, location,
                   count(*)::int as checks,
                   (count(*) filter (where up))::int as up_checks,
                   min(latency_ms) filter (where up) as latency_min,
                   max(latency_ms) filter (where up) as latency_max,
                   coalesce(sum(latency_ms) filter (where up), 0) as latency_sum,
                   percentile_cont(0.5) within group (order by latency_ms) filter (where up) as p50,
                   percentile_cont(0.95) within group (order by latency_ms) filter (where up) as p95,
                   percentile_cont(0.99) within group (order by latency_ms) filter (where up) as p99,
                   min(due_at) as first_at,
                   (array_agg(up order by due_at))[1] as first_up,
                   max(due_at) as last_at,
                   (array_agg(up order by due_at desc))[1] as last_up,
                   coalesce(sum(extract(epoch from next_due_at - due_at)) filter (where not up and next_due_at is not null), 0)::float8
                       as down_seconds
            from raw
            group by 1, 2, 3, 4
        )
        insert into telemetry.rollup_hourly (tenant_id, monitor_id, hour_start, location, checks, up_checks, latency_min, latency_max,
            latency_sum, p50, p95, p99, first_at, first_up, last_at, last_up, down_seconds, histogram_buckets,
            histogram_counts, rolled_up_at)
        select h.tenant_id, h.monitor_id, h.hour_start, h.location, h.checks, h.up_checks, h.latency_min, h.latency_max, h.latency_sum,
               h.p50, h.p95, h.p99, h.first_at, h.first_up, h.last_at, h.last_up, h.down_seconds,
               coalesce(g.buckets, '{}'), coalesce(g.counts, '{}'), $1
        from hours h left join histograms g using (tenant_id, monitor_id, hour_start, location)
        on conflict (tenant_id, monitor_id, hour_start, location) do update set
            checks = excluded.checks, up_checks = excluded.up_checks, latency_min = excluded.latency_min,
            latency_max = excluded.latency_max, latency_sum = excluded.latency_sum, p50 = excluded.p50,
            p95 = excluded.p95, p99 = excluded.p99, first_at = excluded.first_at, first_up = excluded.first_up,
            last_at = excluded.last_at, last_up = excluded.last_up, down_seconds = excluded.down_seconds,
            histogram_buckets = excluded.histogram_buckets, histogram_counts = excluded.histogram_counts,
            rolled_up_at = excluded.rolled_up_at
        """;

    const string HoursOfDirtyDays = """
        select h.tenant_id, h.monitor_id, d.location, d.day_start, h.checks, h.up_checks, h.latency_min, h.latency_max, h.latency_sum,
               h.first_at, h.first_up, h.last_at, h.last_up, h.down_seconds, h.histogram_buckets, h.histogram_counts
        from (select distinct tenant_id, monitor_id, location, date_trunc('day', hour_start, 'UTC') as day_start from claimed) d
        join telemetry.rollup_hourly h
          on h.tenant_id = d.tenant_id and h.monitor_id = d.monitor_id and h.location = d.location
         and h.hour_start >= d.day_start and h.hour_start < d.day_start + interval '1 day'
        order by h.tenant_id, h.monitor_id, d.location, h.hour_start
        """;

    const string UpsertDay = """
        insert into telemetry.rollup_daily (tenant_id, monitor_id, location, day_start, checks, up_checks, latency_min, latency_max,
            latency_sum, p50, p95, p99, first_at, first_up, last_at, last_up, down_seconds, histogram_buckets,
            histogram_counts, rolled_up_at)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
        on conflict (tenant_id, monitor_id, day_start, location) do update set
            checks = excluded.checks, up_checks = excluded.up_checks, latency_min = excluded.latency_min,
            latency_max = excluded.latency_max, latency_sum = excluded.latency_sum, p50 = excluded.p50,
            p95 = excluded.p95, p99 = excluded.p99, first_at = excluded.first_at, first_up = excluded.first_up,
            last_at = excluded.last_at, last_up = excluded.last_up, down_seconds = excluded.down_seconds,
            histogram_buckets = excluded.histogram_buckets, histogram_counts = excluded.histogram_counts,
            rolled_up_at = excluded.rolled_up_at
        """;

    /// Rolls up at most maxHours pending hours that ended by closedBefore, in one transaction: the pending
    /// marks are removed in the same commit that writes their rollups, and a result stored meanwhile marks its
    /// hour again (see the ingest), so nothing is lost between the two.
    public async Task<RollupProgress> RollUpAsync(DateTimeOffset closedBefore, int maxHours, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct);

            int hours;
            await using (var claim = new NpgsqlCommand(Claim, connection, transaction))
            {
                // An hour is closed once its end has come: hour_start + 1 hour <= closedBefore.
                claim.Parameters.Add(new() { Value = closedBefore.AddHours(-1) });
                claim.Parameters.Add(new() { Value = maxHours });
                await claim.ExecuteNonQueryAsync(ct);
            }
            await using (var count = new NpgsqlCommand("select count(*)::int from claimed", connection, transaction))
                hours = (int)(await count.ExecuteScalarAsync(ct))!;
            if (hours == 0)
                return new RollupProgress(0, 0);

            // The temp table has no statistics until analysed, and without them the planner may hash-join all of
            // ping_results instead of probing the (monitor_id, due_at) index per claimed hour.
            await using (var analyze = new NpgsqlCommand("analyze claimed", connection, transaction))
                await analyze.ExecuteNonQueryAsync(ct);

            await using (var hourly = new NpgsqlCommand(Hourly, connection, transaction))
            {
                hourly.Parameters.Add(new() { Value = now });
                await hourly.ExecuteNonQueryAsync(ct);
            }

            var days = await ReadDaysAsync(connection, transaction, ct);
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                foreach (var day in days)
                    batch.BatchCommands.Add(DayCommand(day, now));
                if (days.Count > 0)
                    await batch.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return new RollupProgress(hours, days.Count);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    sealed record DayRollup(Guid TenantId, Guid MonitorId, string Location, DateTimeOffset DayStart, CheckSummary Summary);

    static async Task<List<DayRollup>> ReadDaysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var days = new List<DayRollup>();
        await using var command = new NpgsqlCommand(HoursOfDirtyDays, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        DayRollup? current = null;
        while (await reader.ReadAsync(ct))
        {
            var (tenantId, monitorId, location, dayStart) =
                (reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
            if (current is null || current.TenantId != tenantId || current.MonitorId != monitorId
                || current.Location != location || current.DayStart != dayStart)
            {
                current = new DayRollup(tenantId, monitorId, location, dayStart, new CheckSummary());
                days.Add(current);
            }
            current.Summary.Append(ReadSummary(reader, 4));
        }
        return days;
    }

    /// Reads the columns checks … histogram_counts of a rollup row, starting at ordinal first.
    internal static CheckSummary ReadSummary(NpgsqlDataReader reader, int first) =>
        CheckSummary.FromRollup(
            reader.GetInt32(first), reader.GetInt32(first + 1),
            reader.IsDBNull(first + 2) ? null : reader.GetDouble(first + 2),
            reader.IsDBNull(first + 3) ? null : reader.GetDouble(first + 3),
            reader.GetDouble(first + 4),
            reader.GetFieldValue<DateTimeOffset>(first + 5), reader.GetBoolean(first + 6),
            reader.GetFieldValue<DateTimeOffset>(first + 7), reader.GetBoolean(first + 8),
            reader.GetDouble(first + 9),
            reader.GetFieldValue<short[]>(first + 10), reader.GetFieldValue<int[]>(first + 11));

    static NpgsqlBatchCommand DayCommand(DayRollup day, DateTimeOffset now)
    {
        var s = day.Summary;
        var (buckets, counts) = s.Histogram.ToArrays();
        return new NpgsqlBatchCommand(UpsertDay)
        {
            Parameters =
            {
                new() { Value = day.TenantId },
                new() { Value = day.MonitorId },
                new() { Value = day.Location },
                new() { Value = day.DayStart },
                new() { Value = (int)s.Checks },
                new() { Value = (int)s.UpChecks },
                new() { Value = (object?)s.LatencyMin ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double },
                new() { Value = (object?)s.LatencyMax ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double },
                new() { Value = s.LatencySum },
                new() { Value = (object?)s.Histogram.Quantile(0.5) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double },
                new() { Value = (object?)s.Histogram.Quantile(0.95) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double },
                new() { Value = (object?)s.Histogram.Quantile(0.99) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double },
                new() { Value = s.FirstAt!.Value },
                new() { Value = s.FirstUp },
                new() { Value = s.LastAt!.Value },
                new() { Value = s.LastUp },
                new() { Value = s.DownSeconds },
                new() { Value = buckets },
                new() { Value = counts },
                new() { Value = now },
            },
        };
    }
}
