using Sentinel.TelemetryIngest.Partitions;

namespace Sentinel.TelemetryIngest.Tests.Partitions;

public sealed class PartitionManagerTests
{
    static readonly DateTimeOffset Now = new(2025, 6, 15, 10, 30, 0, TimeSpan.Zero);
    static readonly DateOnly Today = new(2025, 6, 15);

    OwnDatabase own = null!;

    [SetUp]
    public async Task CreateDatabaseAsync() => own = await OwnDatabase.CreateAsync("telemetry_partitions");

    [TearDown]
    public async Task DropDatabaseAsync() => await own.DisposeAsync();

    Task<long> RowsIn(string table) => own.Database.CountAsync($"select count(*) from telemetry.{table}");

    [Test]
    public void Partition_names_carry_their_day()
    {
        Assert.That(PartitionManager.NameOf(new DateOnly(2025, 1, 9)), Is.EqualTo("ping_results_p20250109"));
        Assert.That(PartitionManager.DayOf("ping_results_p20250109"), Is.EqualTo(new DateOnly(2025, 1, 9)));
        Assert.That(PartitionManager.DayOf("ping_results_default"), Is.Null);
    }

    [Test]
    public async Task Partitions_are_created_for_today_and_seven_days_ahead()
    {
        await using var db = own.NewDb();
        var partitions = own.Partitions(db, OwnDatabase.Clock(Now));

        var created = await partitions.EnsureAsync(CancellationToken.None);

        var expected = Enumerable.Range(0, 8).Select(Today.AddDays).ToList();
        Assert.That(created, Is.EqualTo(expected));
        Assert.That(await partitions.ListAsync(CancellationToken.None), Is.EqualTo(expected));
        Assert.That(await partitions.EnsureAsync(CancellationToken.None), Is.Empty, "a second run creates nothing");
    }

    [Test]
    public async Task The_next_day_partition_is_created_when_the_clock_moves_on()
    {
        await using var db = own.NewDb();
        var clock = OwnDatabase.Clock(Now);
        var partitions = own.Partitions(db, clock);
        await partitions.EnsureAsync(CancellationToken.None);

        clock.Advance(TimeSpan.FromDays(1));

        Assert.That(await partitions.EnsureAsync(CancellationToken.None), Is.EqualTo(new[] { Today.AddDays(8) }));
    }

    [Test]
    public async Task A_result_for_a_day_without_a_partition_is_stored_and_moved_into_its_partition_later()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        var late = new DateTimeOffset(2025, 6, 10, 8, 0, 0, TimeSpan.Zero); // five days ago: no partition is made that far back
        var future = Now.AddDays(20);
        Assert.That(await own.WriteAsync([
            OwnDatabase.Result(tenant, monitor, late, up: true, 10),
            OwnDatabase.Result(tenant, monitor, future, up: true, 11)]), Is.EqualTo(2));
        Assert.That(await RowsIn("ping_results_default"), Is.EqualTo(2));

        await using var db = own.NewDb();
        var created = await own.Partitions(db, OwnDatabase.Clock(Now)).EnsureAsync(CancellationToken.None);

        Assert.That(created, Does.Contain(new DateOnly(2025, 6, 10)), "a kept day with rows in the default partition gets its partition");
        Assert.That(await RowsIn("ping_results_p20250610"), Is.EqualTo(1));
        Assert.That(await RowsIn("ping_results_default"), Is.EqualTo(1), "a day beyond the horizon stays in the default partition");
        Assert.That(await RowsIn("ping_results"), Is.EqualTo(2));

        // The same result again is still a duplicate once it lives in a day partition.
        Assert.That(await own.WriteAsync([OwnDatabase.Result(tenant, monitor, late, up: true, 10)]), Is.EqualTo(0));
    }

    [Test]
    public async Task Results_for_today_go_into_todays_partition_once_it_exists()
    {
        await using var db = own.NewDb();
        await own.Partitions(db, OwnDatabase.Clock(Now)).EnsureAsync(CancellationToken.None);

        await own.WriteAsync([OwnDatabase.Result(Guid.NewGuid(), Guid.NewGuid(), Now, up: false, 5)]);

        Assert.That(await RowsIn("ping_results_p20250615"), Is.EqualTo(1));
        Assert.That(await RowsIn("ping_results_default"), Is.EqualTo(0));
    }

    [Test]
    public async Task Partitions_older_than_the_retention_are_dropped_and_old_default_rows_deleted()
    {
        await using var db = own.NewDb();
        var clock = OwnDatabase.Clock(Now);
        var partitions = own.Partitions(db, clock, retentionDays: 3);
        await partitions.EnsureAsync(CancellationToken.None);
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        await own.WriteAsync([
            OwnDatabase.Result(tenant, monitor, Now, up: true, 1),
            OwnDatabase.Result(tenant, monitor, Now.AddDays(1), up: true, 1),
            OwnDatabase.Result(tenant, monitor, Now.AddDays(-30), up: true, 1)]); // far older than the retention: default partition

        Assert.That(await partitions.DropExpiredAsync(CancellationToken.None), Is.Empty, "nothing is old yet");
        Assert.That(await RowsIn("ping_results"), Is.EqualTo(2), "the expired row in the default partition is deleted");

        clock.Advance(TimeSpan.FromDays(4)); // today is 19 June: days before 16 June are past a 3-day retention
        var dropped = await partitions.DropExpiredAsync(CancellationToken.None);

        Assert.That(dropped, Is.EqualTo(new[] { Today }));
        Assert.That(await partitions.ListAsync(CancellationToken.None), Does.Not.Contain(Today).And.Contain(Today.AddDays(1)));
        Assert.That(await RowsIn("ping_results"), Is.EqualTo(1));
    }
}
