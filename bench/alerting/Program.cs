using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.AlertEvaluation;
using Sentinel.AlertEvaluation.State;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Data;
using Sentinel.Testing;

namespace Sentinel.AlertEvaluation.Bench;

/// Results evaluated per second by one Alert-Evaluation instance, three ways:
///  1. end to end with batches on the wire: MonitorCheckedBatch messages of BATCH results (default 500, as the Checker
///     publishes them when busy) published to RabbitMQ at full speed, taken up to Alerting:ResultBatchMessages
///     (env RESULT_BATCH_MESSAGES, default the service's 10) messages per transaction;
///  2. end to end with one MonitorChecked per result (the compatibility path), unless SINGLES=0;
///  3. the evaluation alone: ResultEvaluation.ApplyAsync called with batches of 500 and of 5,000 (locks, state
///     machine, commit), no broker in between.
/// Bounded: RESULTS results (default 40,000) over MONITORS monitors (default 1,000), each phase at most 180 s.
/// Every 10th monitor fails throughout (one incident each), so the alerting path is exercised, not only "still up".
public static class AlertingBench
{
    public static async Task<int> Main()
    {
        var total = int.Parse(Environment.GetEnvironmentVariable("RESULTS") ?? "40000", CultureInfo.InvariantCulture);
        var monitorCount = int.Parse(Environment.GetEnvironmentVariable("MONITORS") ?? "1000", CultureInfo.InvariantCulture);
        var batchSize = int.Parse(Environment.GetEnvironmentVariable("BATCH") ?? "500", CultureInfo.InvariantCulture);
        var batchMessages = Environment.GetEnvironmentVariable("RESULT_BATCH_MESSAGES");
        var singles = Environment.GetEnvironmentVariable("SINGLES") != "0";
        var deadline = TimeSpan.FromSeconds(180);

        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !Directory.Exists(Path.Combine(repo.FullName, "services", "AlertEvaluation")))
            repo = repo.Parent;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SENTINEL_ALERTEVALUATION",
            Path.Combine(repo?.FullName ?? ".", "services", "AlertEvaluation"));
        await using var database = await TestDatabase.CreateAsync("alerting_bench");
        await using var vhost = await TestVirtualHost.CreateAsync("alerting_bench");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", database.ConnectionString + ";Maximum Pool Size=20");
            b.UseSetting("RabbitMq:VirtualHost", vhost.Name);
            b.UseSetting("Redis:Configuration", TestInfrastructure.RedisConfiguration);
            b.UseSetting("Outbox:PollMilliseconds", "50");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            // What each transaction held and took, for reading where the time goes (BENCH_TRACE=1).
            if (Environment.GetEnvironmentVariable("BENCH_TRACE") == "1")
                b.UseSetting("Logging:LogLevel:Sentinel.AlertEvaluation.State.MonitorCheckedBatchConsumer", "Debug");
            if (Environment.GetEnvironmentVariable("BENCH_SQL") == "1")
                b.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Information");
            if (batchMessages is not null)
                b.UseSetting("Alerting:ResultBatchMessages", batchMessages);
        });
        await using (var scope = factory.Services.CreateAsyncScope())
            await DatabaseExtensions.MigrateAsync<AlertingDb>(scope.ServiceProvider, CancellationToken.None);
        _ = factory.CreateClient();
        var bus = factory.Services.GetRequiredService<IBus>();

        var start = DateTimeOffset.UtcNow.AddHours(-2);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerMillisecond));
        Console.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");

        // Phase 1: through the broker, many results per message (what the Checker publishes).
        {
            var tenant = Guid.NewGuid();
            var monitors = await CreateMonitorsAsync(bus, database, tenant, monitorCount);
            var results = Results(monitors, tenant, start, total);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(results.Chunk(batchSize).Chunk(20).Select(group =>
                bus.PublishBatch(group.Select(chunk => new MonitorCheckedBatch(Guid.NewGuid(), chunk)))));
            var published = watch.Elapsed;
            await WaitAsync(database, tenant, results[^1].DueAt, monitors.Count, deadline);
            var endToEnd = watch.Elapsed;
            Console.WriteLine($"end to end, MonitorCheckedBatch of {batchSize} (≤{batchMessages ?? "10"} messages per transaction): " +
                              $"{total:N0} results over {monitorCount:N0} monitors; published in {published.TotalSeconds:0.00} s " +
                              $"({total / published.TotalSeconds:N0}/s); all evaluated after {endToEnd.TotalSeconds:0.00} s: " +
                              $"**{total / endToEnd.TotalSeconds:N0} results/s**");
        }

        // Phase 2: through the broker, one message per result (older publishers).
        if (singles)
        {
            var tenant = Guid.NewGuid();
            var monitors = await CreateMonitorsAsync(bus, database, tenant, monitorCount);
            var results = Results(monitors, tenant, start, total);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(results.Chunk(1000).Select(chunk => bus.PublishBatch(chunk)));
            var published = watch.Elapsed;
            await WaitAsync(database, tenant, results[^1].DueAt, monitors.Count, deadline);
            var endToEnd = watch.Elapsed;
            Console.WriteLine($"end to end, one MonitorChecked per result: {total:N0} results; published in {published.TotalSeconds:0.0} s " +
                              $"({total / published.TotalSeconds:N0}/s); all evaluated after {endToEnd.TotalSeconds:0.0} s: " +
                              $"**{total / endToEnd.TotalSeconds:N0} results/s**");
        }

        // Phase 3: the evaluation without the broker, in the consumer's transaction sizes.
        foreach (var size in new[] { 500, 5000 })
        {
            var tenant = Guid.NewGuid();
            var monitors = await CreateMonitorsAsync(bus, database, tenant, monitorCount);
            var results = Results(monitors, tenant, start, total);
            var watch = Stopwatch.StartNew();
            foreach (var batch in results.Chunk(size))
            {
                await using var scope = factory.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ResultEvaluation>().ApplyAsync(batch, replayingParked: false, CancellationToken.None);
                if (watch.Elapsed > deadline)
                    throw new TimeoutException("phase 3 exceeded its time bound");
            }
            var direct = watch.Elapsed;
            var incidents = await database.CountAsync($"select count(*) from alerting.incidents where tenant_id = '{tenant}'");
            Console.WriteLine($"evaluation alone: {total:N0} results in batches of {size:N0} in {direct.TotalSeconds:0.00} s: " +
                              $"**{total / direct.TotalSeconds:N0} results/s** ({incidents} incidents opened)");
        }
        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    static async Task<List<Guid>> CreateMonitorsAsync(IBus bus, TestDatabase database, Guid tenant, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        await bus.PublishBatch(ids.Select(id => new MonitorUpserted(id, tenant, 1, $"m-{id:N}", "http", 60, 10, false, 3, 1,
            [Guid.NewGuid()], true, null, ["bench"], null, DateTimeOffset.UtcNow)));
        await Poll.UntilAsync(() => database.CountAsync($"select count(*) from alerting.monitors where tenant_id = '{tenant}'"),
            n => n == count, TimeSpan.FromSeconds(120), "monitor copies");
        return ids;
    }

    static MonitorChecked[] Results(List<Guid> monitors, Guid tenant, DateTimeOffset start, int total) =>
        Enumerable.Range(0, total).Select(i =>
        {
            var index = i % monitors.Count;
            var due = start.AddSeconds(i / monitors.Count);
            var up = index % 10 != 0;
            return new MonitorChecked(DeterministicGuid.ForCheck(monitors[index], due), monitors[index], tenant, up,
                up ? 200 : 503, 12, up ? null : "HTTP 503", due, due.AddMilliseconds(30));
        }).ToArray();

    static Task WaitAsync(TestDatabase database, Guid tenant, DateTimeOffset lastDue, int monitors, TimeSpan deadline) =>
        Poll.UntilAsync(
            () => database.CountAsync(
                $"select count(*) from alerting.monitor_states s join alerting.monitors m using (monitor_id) where m.tenant_id = '{tenant}' and s.last_due_at = '{lastDue:O}'"),
            n => n == monitors, deadline, "every result evaluated");
}
