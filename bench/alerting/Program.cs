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

/// Results evaluated per second by one Alert-Evaluation instance, two ways:
///  1. end to end: MonitorChecked published to RabbitMQ at full speed, consumed in batches, evaluated and committed;
///  2. the evaluation alone: ResultEvaluation.ApplyAsync called with batches of 500 (locks, state machine, commit),
///     no broker in between.
/// Bounded: RESULTS results (default 40,000) over MONITORS monitors (default 1,000), each phase at most 180 s.
/// Every 10th monitor fails throughout (one incident each), so the alerting path is exercised, not only "still up".
public static class AlertingBench
{
    public static async Task<int> Main()
    {
        var total = int.Parse(Environment.GetEnvironmentVariable("RESULTS") ?? "40000", CultureInfo.InvariantCulture);
        var monitorCount = int.Parse(Environment.GetEnvironmentVariable("MONITORS") ?? "1000", CultureInfo.InvariantCulture);
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
        });
        await using (var scope = factory.Services.CreateAsyncScope())
            await DatabaseExtensions.MigrateAsync<AlertingDb>(scope.ServiceProvider, CancellationToken.None);
        _ = factory.CreateClient();
        var bus = factory.Services.GetRequiredService<IBus>();

        // Phase 1: through the broker.
        var tenant = Guid.NewGuid();
        var monitors = await CreateMonitorsAsync(bus, database, tenant, monitorCount);
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerMillisecond));
        var results = Results(monitors, tenant, start, total);
        var watch = Stopwatch.StartNew();
        var publishing = Task.WhenAll(results.Chunk(1000).Select(chunk => bus.PublishBatch(chunk)));
        await publishing;
        var published = watch.Elapsed;
        var lastDue = results[^1].DueAt;
        await WaitAsync(database, tenant, lastDue, monitors.Count, deadline);
        var endToEnd = watch.Elapsed;
        Console.WriteLine($"end to end: {total:N0} results over {monitorCount:N0} monitors; published in {published.TotalSeconds:0.0} s " +
                          $"({total / published.TotalSeconds:N0}/s); all evaluated after {endToEnd.TotalSeconds:0.0} s: " +
                          $"**{total / endToEnd.TotalSeconds:N0} results/s**");

        // Phase 2: the evaluation without the broker, in the consumer's batch size.
        var tenant2 = Guid.NewGuid();
        var monitors2 = await CreateMonitorsAsync(bus, database, tenant2, monitorCount);
        var results2 = Results(monitors2, tenant2, start, total);
        watch.Restart();
        foreach (var batch in results2.Chunk(500))
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ResultEvaluation>().ApplyAsync(batch, replayingParked: false, CancellationToken.None);
            if (watch.Elapsed > deadline)
                throw new TimeoutException("phase 2 exceeded its time bound");
        }
        var direct = watch.Elapsed;
        var incidents = await database.CountAsync($"select count(*) from alerting.incidents where tenant_id = '{tenant2}'");
        Console.WriteLine($"evaluation alone: {total:N0} results in batches of 500 in {direct.TotalSeconds:0.0} s: " +
                          $"**{total / direct.TotalSeconds:N0} results/s** ({incidents} incidents opened)");
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
