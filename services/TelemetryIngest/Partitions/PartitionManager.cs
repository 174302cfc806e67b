using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Sentinel.TelemetryIngest.Partitions;

/// Keeps one partition of ping_results per UTC day (by due_at): created ahead of time, dropped after retention.
/// Results for a day without a partition land in the DEFAULT partition and are never rejected; when that day's
/// partition is created, its rows are moved out of the default partition in the same transaction.
public sealed partial class PartitionManager(TelemetryDb db, TimeProvider clock, IOptions<TelemetryOptions> options,
    ILogger<PartitionManager> log)
{
    public static string NameOf(DateOnly day) => $"ping_results_p{day:yyyyMMdd}";

    public static DateOnly? DayOf(string partitionName) =>
        DayPartitionName().Match(partitionName) is { Success: true } m
            ? DateOnly.ParseExact(m.Groups[1].Value, "yyyyMMdd", CultureInfo.InvariantCulture)
            : null;

    /// Creates the partitions from today to PartitionDaysAhead days ahead, and one for every kept day that has
    /// rows waiting in the default partition (late results, or data from before partitioning was switched on).
    public async Task<IReadOnlyList<DateOnly>> EnsureAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var keptFrom = DateOnly.FromDateTime(options.Value.RawKeptFrom(now).UtcDateTime);
        var existing = (await ListAsync(ct)).ToHashSet();

        var wanted = Enumerable.Range(0, options.Value.PartitionDaysAhead + 1).Select(today.AddDays).ToHashSet();
        foreach (var day in await DaysInDefaultAsync(ct))
            if (day >= keptFrom && day <= today.AddDays(options.Value.PartitionDaysAhead))
                wanted.Add(day);

        var created = new List<DateOnly>();
        foreach (var day in wanted.Except(existing).Order())
        {
            var moved = await CreateAsync(day, ct);
            created.Add(day);
            log.LogInformation("Created partition {Partition}, moving {Moved} rows out of the default partition",
                NameOf(day), moved);
        }
        return created;
    }

    /// Drops the day partitions older than the retention, and deletes rows that old from the default partition.
    public async Task<IReadOnlyList<DateOnly>> DropExpiredAsync(CancellationToken ct)
    {
        var keptFrom = options.Value.RawKeptFrom(clock.GetUtcNow());
        var keptFromDay = DateOnly.FromDateTime(keptFrom.UtcDateTime);
        var dropped = new List<DateOnly>();
        foreach (var day in (await ListAsync(ct)).Where(d => d < keptFromDay).Order())
        {
            // Identifiers cannot be parameters; the name is built from a date, never from input.
            var drop = "drop table if exists telemetry." + NameOf(day);
            await db.Database.ExecuteSqlRawAsync(drop, ct);
            dropped.Add(day);
            log.LogInformation("Dropped partition {Partition} (older than {RetentionDays} days)",
                NameOf(day), options.Value.RetentionDays);
        }
        var purged = await db.Database.ExecuteSqlAsync(
            $"delete from telemetry.ping_results_default where due_at < {keptFrom}", ct);
        if (purged > 0)
            log.LogInformation("Deleted {Rows} expired rows from the default partition", purged);
        return dropped;
    }

    public async Task<IReadOnlyList<DateOnly>> ListAsync(CancellationToken ct)
    {
        var names = await db.Database.SqlQuery<string>($"""
            select c.relname as "Value" from pg_inherits i
            join pg_class c on c.oid = i.inhrelid
            join pg_class p on p.oid = i.inhparent
            join pg_namespace n on n.oid = p.relnamespace
            where n.nspname = 'telemetry' and p.relname = 'ping_results'
            """).ToListAsync(ct);
        return names.Select(DayOf).OfType<DateOnly>().Order().ToList();
    }

    async Task<List<DateOnly>> DaysInDefaultAsync(CancellationToken ct) =>
        (await db.Database.SqlQuery<DateTime>($"""
            select distinct date_trunc('day', due_at, 'UTC') at time zone 'UTC' as "Value"
            from telemetry.ping_results_default
            """).ToListAsync(ct))
        .Select(DateOnly.FromDateTime).ToList();

    /// Creating a range partition fails while the default partition holds rows of that range, so those rows are
    /// moved aside and re-inserted through the parent in the same transaction. The table (with every partition) is
    /// locked against writes first, so no row for the day can slip in between the move and the create.
    async Task<int> CreateAsync(DateOnly day, CancellationToken ct)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var to = from.AddDays(1);
        var name = NameOf(day);
        var bounds = string.Create(CultureInfo.InvariantCulture, $"from ('{from:yyyy-MM-dd}T00:00:00Z') to ('{to:yyyy-MM-dd}T00:00:00Z')");

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    // Writes (not reads) pause for the few milliseconds this takes. The parent is locked first: an
                    // ingest holding it while waiting for the default partition could otherwise deadlock with us.
                    new NpgsqlBatchCommand("lock table telemetry.ping_results in share row exclusive mode"),
                    new NpgsqlBatchCommand($"""
                        create temp table moving on commit drop as
                        with moved as (
                            delete from telemetry.ping_results_default where due_at >= $1 and due_at < $2 returning *)
                        select * from moved
                        """) { Parameters = { new() { Value = from }, new() { Value = to } } },
                    new NpgsqlBatchCommand($"create table if not exists telemetry.{name} partition of telemetry.ping_results for values {bounds}"),
                    new NpgsqlBatchCommand("insert into telemetry.ping_results select * from moving"),
                },
            };
            await batch.ExecuteNonQueryAsync(ct);
            var moved = batch.BatchCommands[^1].RecordsAffected;
            await transaction.CommitAsync(ct);
            return moved;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [GeneratedRegex(@"^ping_results_p(\d{8})$")]
    private static partial Regex DayPartitionName();
}
