using Npgsql;
using Sentinel.TelemetryIngest.Maintenance;
using Sentinel.TelemetryIngest.Partitions;

namespace Sentinel.TelemetryIngest.Tests.Maintenance;

public sealed class MaintenanceRunnerTests
{
    static readonly DateTimeOffset Now = new(2025, 8, 20, 12, 10, 0, TimeSpan.Zero);

    OwnDatabase own = null!;

    [SetUp]
    public async Task CreateDatabaseAsync() => own = await OwnDatabase.CreateAsync("telemetry_maintenance");

    [TearDown]
    public async Task DropDatabaseAsync() => await own.DisposeAsync();

    Task<long> PartitionCountAsync() => own.Database.CountAsync(
        "select count(*) from pg_inherits i join pg_class c on c.oid = i.inhrelid where c.relkind = 'r' and c.relname like 'ping_results_p%'");

    [Test]
    public async Task A_run_creates_partitions_rolls_up_closed_hours_and_drops_expired_partitions()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        var clock = OwnDatabase.Clock(Now);
        await using var db = own.NewDb();
        var runner = own.Runner(db, clock, retentionDays: 2);

        Assert.That(await runner.RunAsync(CancellationToken.None), Is.True);
        await own.WriteAsync([
            OwnDatabase.Result(tenant, monitor, Now.AddMinutes(-30), up: true, 10), // the previous hour: closed
            OwnDatabase.Result(tenant, monitor, Now.AddMinutes(-5), up: true, 10)]); // this hour: still open
        clock.Advance(TimeSpan.FromDays(3));
        Assert.That(await runner.RunAsync(CancellationToken.None), Is.True);

        Assert.That(await own.Database.CountAsync("select count(*) from telemetry.rollup_hourly"), Is.EqualTo(2));
        Assert.That(await own.Database.CountAsync("select sum(checks) from telemetry.rollup_daily"), Is.EqualTo(2));
        var partitions = await own.Partitions(db, clock).ListAsync(CancellationToken.None);
        Assert.That(partitions[0], Is.EqualTo(new DateOnly(2025, 8, 21)), "20 August is past a two-day retention on 23 August");
        Assert.That(partitions[^1], Is.EqualTo(new DateOnly(2025, 8, 30)));
        Assert.That(await own.Database.CountAsync("select count(*) from telemetry.ping_results"), Is.Zero);
    }

    [Test]
    public async Task A_runner_does_nothing_while_another_holds_the_maintenance_lock()
    {
        await using var other = new NpgsqlConnection(own.Database.ConnectionString);
        await other.OpenAsync();
        await using (var take = new NpgsqlCommand($"select pg_advisory_lock({MaintenanceRunner.LockKey})", other))
            await take.ExecuteNonQueryAsync();
        await using var db = own.NewDb();
        var runner = own.Runner(db, OwnDatabase.Clock(Now));

        Assert.That(await runner.RunAsync(CancellationToken.None), Is.False);
        Assert.That(await PartitionCountAsync(), Is.Zero);

        await using (var release = new NpgsqlCommand($"select pg_advisory_unlock({MaintenanceRunner.LockKey})", other))
            await release.ExecuteNonQueryAsync();
        Assert.That(await runner.RunAsync(CancellationToken.None), Is.True);
        Assert.That(await PartitionCountAsync(), Is.EqualTo(8));
    }

    [Test]
    public async Task Two_runners_started_together_do_the_work_once()
    {
        // Many days of rows waiting in the default partition make a run long enough for the two to overlap.
        await own.Database.ExecuteAsync($"""
            insert into telemetry.ping_results (check_id, monitor_id, tenant_id, up, latency_ms, due_at, checked_at)
            select gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), true, 1, t, t
            from generate_series(timestamptz '{Now.AddDays(-29):O}', timestamptz '{Now:O}', interval '10 seconds') t
            """);
        await using var db1 = own.NewDb();
        await using var db2 = own.NewDb();
        var start = new TaskCompletionSource();
        async Task<bool> RunAsync(MaintenanceRunner runner)
        {
            await start.Task;
            return await runner.RunAsync(CancellationToken.None);
        }
        var runs = new[] { RunAsync(own.Runner(db1, OwnDatabase.Clock(Now))), RunAsync(own.Runner(db2, OwnDatabase.Clock(Now))) };

        start.SetResult();
        var ran = await Task.WhenAll(runs);

        Assert.That(ran.Count(r => r), Is.EqualTo(1), "one runner works, the other finds the lock taken");
        Assert.That(await PartitionCountAsync(), Is.EqualTo(30 + 7));
        Assert.That(await own.Database.CountAsync("select count(*) from telemetry.ping_results_default"), Is.Zero);
    }
}
