using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;
using Sentinel.ServiceDefaults.Data;
using Sentinel.TelemetryIngest;
using Sentinel.TelemetryIngest.Ingest;
using Sentinel.Testing;

namespace Sentinel.Bench.Telemetry;

/// Results through the real path: MassTransit publish → RabbitMQ → the Telemetry-Ingest process (batch consumer,
/// binary COPY, merge) → PostgreSQL; then the database side alone (the writer, no broker) for comparison.
static class IngestBench
{
    /// `singles` results go one message each (0 skips that phase), then `2 × count` in MonitorCheckedBatch messages
    /// of `perMessage` results, as the Checker publishes them.
    public static async Task RunAsync(string serviceDll, int count, int singles, int perMessage)
    {
        await using var database = await TestDatabase.CreateAsync("bench_telemetry_ingest");
        await using var vhost = await TestVirtualHost.CreateAsync("bench_telemetry_ingest");
        await using (var db = Bench.Db(database.ConnectionString))
            await db.Database.MigrateAsync();

        var url = $"http://127.0.0.1:{Bench.FreePort()}";
        using var service = Process.Start(new ProcessStartInfo("dotnet", [serviceDll])
        {
            Environment =
            {
                ["ConnectionStrings__Postgres"] = database.ConnectionString,
                ["RabbitMq__VirtualHost"] = vhost.Name,
                ["Urls"] = url,
                ["Telemetry__MaintenanceEnabled"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        service.OutputDataReceived += (_, _) => { };
        service.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient();
            await Bench.UntilAsync(async () => (await http.GetAsync($"{url}/health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(60), "the Telemetry-Ingest service to be ready");

            var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host("localhost", vhost.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            }));
            await bus.StartAsync();
            try
            {
                var tenant = Guid.NewGuid();
                var monitors = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()).ToArray();
                var start = DateTimeOffset.UtcNow.AddHours(-1);
                MonitorChecked Result(int i)
                {
                    var monitor = monitors[i % monitors.Length];
                    var due = start.AddSeconds(i / monitors.Length);
                    return new MonitorChecked(DeterministicGuid.ForCheck(monitor, due), monitor, tenant, i % 50 != 0,
                        200, 10 + i % 300, null, due, due.AddMilliseconds(20));
                }

                var clock = Stopwatch.StartNew();
                TimeSpan published, stored;
                double peak;
                if (singles > 0)
                {
                    const int InFlight = 2000;
                    for (var sent = 0; sent < singles && clock.Elapsed < TimeSpan.FromMinutes(5); sent += InFlight)
                        await Task.WhenAll(Enumerable.Range(sent, Math.Min(InFlight, singles - sent)).Select(i => bus.Publish(Result(i))));
                    published = clock.Elapsed;

                    await Bench.UntilAsync(
                        async () => await database.CountAsync("select count(*) from telemetry.ping_results") >= singles,
                        TimeSpan.FromMinutes(5), $"{singles} stored results");
                    stored = clock.Elapsed;
                    service.Refresh();
                    peak = Bench.PeakRssMegabytes(service.Id);

                    Console.WriteLine($"ingest.rabbitmq  one message per result   results={singles}  publish={singles / published.TotalSeconds:0}/s  " +
                        $"end-to-end={singles / stored.TotalSeconds:0}/s  ({stored.TotalSeconds:0.0} s)  service peak RSS={peak:0} MB");
                }

                // The same path with MonitorCheckedBatch: 500 results per message, new check ids.
                start = start.AddDays(-1);
                                var batchedCount = count * 2;
                clock.Restart();
                for (var sent = 0; sent < batchedCount && clock.Elapsed < TimeSpan.FromMinutes(5); sent += perMessage * 20)
                    await Task.WhenAll(Enumerable.Range(0, 20).Select(b => sent + b * perMessage).Where(first => first < batchedCount)
                        .Select(first => bus.Publish(new MonitorCheckedBatch(Guid.NewGuid(),
                            Enumerable.Range(first, Math.Min(perMessage, batchedCount - first)).Select(Result).ToList()))));
                published = clock.Elapsed;
                await Bench.UntilAsync(
                    async () => await database.CountAsync("select count(*) from telemetry.ping_results") >= singles + batchedCount,
                    TimeSpan.FromMinutes(5), $"{batchedCount} more stored results");
                stored = clock.Elapsed;
                peak = Bench.PeakRssMegabytes(service.Id);
                Console.WriteLine($"ingest.rabbitmq  {perMessage} results per message  results={batchedCount}  publish={batchedCount / published.TotalSeconds:0}/s  " +
                    $"end-to-end={batchedCount / stored.TotalSeconds:0}/s  ({stored.TotalSeconds:0.0} s)  service peak RSS={peak:0} MB");
            }
            finally
            {
                await bus.StopAsync();
            }
        }
        finally
        {
            if (!service.HasExited)
                service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }

        await WriterOnlyAsync(database.ConnectionString, count);
    }

    /// The consumer's database work without the broker: 500-row batches, two writers as the consumer runs them.
    static async Task WriterOnlyAsync(string connectionString, int count)
    {
        var tenant = Guid.NewGuid();
        var monitors = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()).ToArray();
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var batches = Enumerable.Range(0, count / 500).Select(b => Enumerable.Range(b * 500, 500).Select(i =>
        {
            var monitor = monitors[i % monitors.Length];
            var due = start.AddSeconds(i / monitors.Length);
            return new MonitorChecked(DeterministicGuid.ForCheck(monitor, due), monitor, tenant, true, 200, 10 + i % 300,
                null, due, due.AddMilliseconds(20));
        }).ToList()).ToList();

        var next = -1;
        var clock = Stopwatch.StartNew();
        async Task WriterAsync()
        {
            await using var db = Bench.Db(connectionString);
            var writer = new PingResultWriter(db);
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Count && clock.Elapsed < TimeSpan.FromMinutes(3))
                await writer.WriteAsync(batches[i], CancellationToken.None);
        }
        await Task.WhenAll(WriterAsync(), WriterAsync());
        Console.WriteLine($"ingest.writer    results={batches.Count * 500}  {batches.Count * 500 / clock.Elapsed.TotalSeconds:0}/s  " +
            "(binary COPY + merge + rollup marks, 2 writers, no broker)");
    }
}

static class Bench
{
    public static TelemetryDb Db(string connectionString) =>
        new(new DbContextOptionsBuilder<TelemetryDb>()
            .UseNpgsql(connectionString, o => o.MigrationsHistoryTable("__ef_migrations_history", TelemetryDb.Schema))
            .Options);

    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static async Task UntilAsync(Func<Task<bool>> done, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            try
            {
                if (await done())
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Timed out waiting for {what}.");
    }

    public static double PeakRssMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }

    public static double Percentile(List<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(q * sorted.Count) - 1)];
}
