using Npgsql;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Tests.Ingest;

/// The writer's two paths: a batch of new results is copied straight into ping_results; a batch holding a result
/// stored before (a redelivery) is merged instead, and stores and marks only what is new.
public sealed class PingResultWriterTests
{
    static readonly DateTimeOffset Hour = new(2025, 9, 3, 8, 0, 0, TimeSpan.Zero);

    OwnDatabase own = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync() => own = await OwnDatabase.CreateAsync("telemetry_writer");

    [OneTimeTearDown]
    public async Task DropDatabaseAsync() => await own.DisposeAsync();

    Task<long> CountAsync(string where) => own.Database.CountAsync($"select count(*) from telemetry.{where}");

    [Test]
    public async Task A_batch_mixing_stored_and_new_results_stores_and_marks_only_the_new_ones()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        var first = Enumerable.Range(0, 30).Select(i => OwnDatabase.Result(tenant, monitor, Hour.AddMinutes(i), true, 10 + i)).ToList();
        Assert.That(await own.WriteAsync(first), Is.EqualTo(30));
        await own.Database.ExecuteAsync($"delete from telemetry.rollup_pending where monitor_id = '{monitor}'"); // as a rollup would

        var next = Enumerable.Range(0, 20).Select(i => OwnDatabase.Result(tenant, monitor, Hour.AddHours(1).AddMinutes(i), false, 5)).ToList();
        Assert.That(await own.WriteAsync([.. first.Take(10), .. next, .. first.Skip(25)]), Is.EqualTo(20));

        Assert.That(await CountAsync($"ping_results where monitor_id = '{monitor}'"), Is.EqualTo(50));
        Assert.That(await CountAsync($"ping_results where monitor_id = '{monitor}' and not up"), Is.EqualTo(20));
        Assert.That(await CountAsync($"rollup_pending where monitor_id = '{monitor}' and hour_start = '{Hour.AddHours(1):O}'"), Is.EqualTo(1));
        Assert.That(await CountAsync($"rollup_pending where monitor_id = '{monitor}'"), Is.EqualTo(1),
            "the hour of the redelivered results is not marked again");
        Assert.That(await own.WriteAsync([.. first, .. next]), Is.Zero);
    }

    [Test]
    public async Task Location_and_unknown_are_stored_as_sent_and_mark_their_locations_hour()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        MonitorChecked At(int minute, string? location, bool unknown = false) =>
            OwnDatabase.Result(tenant, monitor, Hour.AddMinutes(minute), true, 12) with
            {
                CheckId = Guid.NewGuid(), Location = location, Unknown = unknown,
            };

        Assert.That(await own.WriteAsync([At(0, "eu-west"), At(1, "us-east", unknown: true), At(2, null), At(3, "")]), Is.EqualTo(4));

        await using var connection = new NpgsqlConnection(own.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select location, unknown from telemetry.ping_results where monitor_id = $1 order by due_at", connection)
        {
            Parameters = { new() { Value = monitor } },
        };
        var rows = new List<(string?, bool)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1)));
        Assert.That(rows, Is.EqualTo(new (string?, bool)[] { ("eu-west", false), ("us-east", true), (null, false), (null, false) }));
        Assert.That(await CountAsync($"rollup_pending where monitor_id = '{monitor}'"), Is.EqualTo(3), "eu-west, us-east and no location");
    }
}
