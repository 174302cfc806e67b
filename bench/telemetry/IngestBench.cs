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
    /// `singles` results go one message each (0 skips that phase), then `2 × count` in messages of `perMessage`
    /// results: MonitorCheckedPacked as the Checker publishes them (`packed`), or MonitorCheckedBatch (JSON results,
    /// older producers) for an A/B.
    public static async Task RunAsync(string serviceDll, int count, int singles, int perMessage, bool packed)
    {
        await using var database = await TestDatabase.CreateAsync("bench_telemetry_ingest");
        await using var vhost = await TestVirtualHost.CreateAsync("bench_telemetry_ingest");
        await using (var db = Bench.Db(database.ConnectionString))
            await db.Database.MigrateAsync();

        var url = $"http://127.0.0.1:{Bench.FreePort()}";
        var startInfo = new ProcessStartInfo("dotnet", [serviceDll])
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
        };
        // BENCH_TRACE=<file>: the service samples its own stacks into an EventPipe trace (read it with
        // `dotnet-trace report <file> topN`), written when it is stopped with SIGTERM below.
        if (Environment.GetEnvironmentVariable("BENCH_TRACE") is { Length: > 0 } trace)
        {
            startInfo.Environment["DOTNET_EnableEventPipe"] = "1";
            startInfo.Environment["DOTNET_EventPipeOutputPath"] = trace;
            startInfo.Environment["DOTNET_EventPipeConfig"] = "Microsoft-DotNETCore-SampleProfiler:0:5,Microsoft-Windows-DotNETRuntime:0x4c14fccbd:5";
        }
        using var http = new HttpClient();
        async Task<Process> StartServiceAsync()
        {
            var started = Process.Start(startInfo)!;
            started.OutputDataReceived += (_, _) => { };
            started.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
            started.BeginOutputReadLine();
            started.BeginErrorReadLine();
            await Bench.UntilAsync(async () => (await http.GetAsync($"{url}/health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(60), "the Telemetry-Ingest service to be ready");
            return started;
        }
        // SIGTERM first: the host stops cleanly (and writes its trace, if any); killed only if it hangs.
        static async Task StopServiceAsync(Process running)
        {
            if (!running.HasExited)
                Process.Start("kill", ["-TERM", running.Id.ToString()])!.WaitForExit();
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await running.WaitForExitAsync(stopped.Token);
            }
            catch (OperationCanceledException)
            {
                running.Kill(entireProcessTree: true);
                await running.WaitForExitAsync();
            }
            running.Dispose();
        }

        var service = await StartServiceAsync();
        try
        {

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

                // The same path with batches on the wire: 500 results per message, new check ids.
                var shape = packed ? "MonitorCheckedPacked" : "MonitorCheckedBatch";
                // The messages are built (results, check ids, packing) before the clock starts: that is the Checker's
                // work, not ingest, and the bench would otherwise spend the ingest path's CPU on it. Publishing them
                // (MassTransit, publisher confirms) is timed and counted.
                var batchedCount = count * 2;
                Func<Task>[] BuildMessages()
                {
                    return Enumerable.Range(0, (batchedCount + perMessage - 1) / perMessage).Select(m =>
                    {
                        var results = Enumerable.Range(m * perMessage, Math.Min(perMessage, batchedCount - m * perMessage)).Select(Result).ToList();
                        if (packed)
                        {
                            var message = MonitorCheckedPacked.Pack(Guid.NewGuid(), results);
                            return (Func<Task>)(() => bus.Publish(message));
                        }
                        var batch = new MonitorCheckedBatch(Guid.NewGuid(), results);
                        return () => bus.Publish(batch);
                    }).ToArray();
                }
                async Task PublishAllAsync(Func<Task>[] messages)
                {
                    for (var sent = 0; sent < messages.Length && clock.Elapsed < TimeSpan.FromMinutes(5); sent += 20)
                        await Task.WhenAll(messages.Skip(sent).Take(20).Select(publish => publish()));
                }
                start = start.AddDays(-1);
                var messages = BuildMessages();
                var load = Bench.LoadAverage();
                var cpu = await Bench.CpuMeter.StartAsync(database.ConnectionString, service.Id);
                clock.Restart();
                await PublishAllAsync(messages);
                published = clock.Elapsed;
                await Bench.UntilAsync(
                    async () => await database.CountAsync("select count(*) from telemetry.ping_results") >= singles + batchedCount,
                    TimeSpan.FromMinutes(5), $"{batchedCount} more stored results");
                stored = clock.Elapsed;
                peak = Bench.PeakRssMegabytes(service.Id);
                Console.WriteLine($"ingest.rabbitmq  {shape} of {perMessage}  results={batchedCount}  publish={batchedCount / published.TotalSeconds:0}/s  " +
                    $"end-to-end={batchedCount / stored.TotalSeconds:0}/s  ({stored.TotalSeconds:0.0} s)  service peak RSS={peak:0} MB  " +
                    $"load {load} → {Bench.LoadAverage()}");
                Console.WriteLine($"                 {await cpu.StopAsync(batchedCount, stored)}");

                // The consumer's sustained rate on its own: with the service stopped, 2 × count results are queued;
                // the service is started again and timed from the first stored row of the backlog to the last, so
                // no publisher competes for the two cores. Its peak RSS shows that the prefetch bounds memory
                // however long the queue.
                await StopServiceAsync(service);
                start = start.AddDays(-1);
                clock.Restart();
                await PublishAllAsync(BuildMessages());
                var before = singles + 2L * batchedCount;
                service = await StartServiceAsync();
                long Stored() => database.CountAsync("select count(*) from telemetry.ping_results").GetAwaiter().GetResult();
                var first = 0L;
                await Bench.UntilAsync(() => Task.FromResult((first = Stored()) > before - batchedCount),
                    TimeSpan.FromMinutes(2), "the backlog to start draining");
                load = Bench.LoadAverage();
                cpu = await Bench.CpuMeter.StartAsync(database.ConnectionString, service.Id);
                clock.Restart();
                await Bench.UntilAsync(() => Task.FromResult(Stored() >= before), TimeSpan.FromMinutes(5), "the backlog to be stored");
                stored = clock.Elapsed;
                var drained = before - first;
                Console.WriteLine($"ingest.backlog   {shape} of {perMessage}, {batchedCount} queued before the consumer starts  " +
                    $"sustained={drained / stored.TotalSeconds:0}/s  ({drained} rows in {stored.TotalSeconds:0.0} s)  " +
                    $"service peak RSS={Bench.PeakRssMegabytes(service.Id):0} MB  load {load} → {Bench.LoadAverage()}");
                Console.WriteLine($"                 {await cpu.StopAsync(drained, stored)}");
            }
            finally
            {
                await bus.StopAsync();
            }
        }
        finally
        {
            await StopServiceAsync(service);
        }

        await WriterOnlyAsync(database.ConnectionString, count);
    }

    /// The consumer's database work without the broker: transactions of 5,000 results (10 messages of 500, as the
    /// consumer takes them from a backlog), two writers as the consumer runs them.
    static async Task WriterOnlyAsync(string connectionString, int count)
    {
        const int BatchSize = 5000;
        var tenant = Guid.NewGuid();
        var monitors = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()).ToArray();
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var batches = Enumerable.Range(0, count / BatchSize).Select(b => Enumerable.Range(b * BatchSize, BatchSize).Select(i =>
        {
            var monitor = monitors[i % monitors.Length];
            var due = start.AddSeconds(i / monitors.Length);
            return new MonitorChecked(DeterministicGuid.ForCheck(monitor, due), monitor, tenant, true, 200, 10 + i % 300,
                null, due, due.AddMilliseconds(20));
        }).ToList()).ToList();

        var next = -1;
        var load = Bench.LoadAverage();
        var cpu = await Bench.CpuMeter.StartAsync(connectionString, null);
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
        var elapsed = clock.Elapsed;
        Console.WriteLine($"ingest.writer    results={batches.Count * BatchSize}  {batches.Count * BatchSize / elapsed.TotalSeconds:0}/s  " +
            $"(PingResultWriter, {BatchSize} per transaction, 2 writers, no broker)  load {load} → {Bench.LoadAverage()}");
        Console.WriteLine($"                 {await cpu.StopAsync(batches.Count * BatchSize, elapsed)}");
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

    /// CPU used by the processes that matter for one phase: this bench, the service (if any), the PostgreSQL backends
    /// serving the bench's database (other helpers' backends are not counted) and RabbitMQ.
    public sealed class CpuMeter
    {
        readonly string connectionString;
        readonly int? servicePid;
        readonly int? rabbitPid = RabbitPid();
        readonly Dictionary<int, double> backendsAtStart = [];
        double benchAtStart, serviceAtStart, rabbitAtStart;

        CpuMeter(string connectionString, int? servicePid)
        {
            this.connectionString = connectionString;
            this.servicePid = servicePid;
        }

        public static async Task<CpuMeter> StartAsync(string connectionString, int? servicePid)
        {
            var meter = new CpuMeter(connectionString, servicePid);
            foreach (var pid in await meter.BackendsAsync())
                meter.backendsAtStart[pid] = CpuSeconds(pid);
            meter.benchAtStart = CpuSeconds(Environment.ProcessId);
            meter.serviceAtStart = servicePid is { } s ? CpuSeconds(s) : 0;
            meter.rabbitAtStart = meter.rabbitPid is { } r ? CpuSeconds(r) : 0;
            return meter;
        }

        // Every backend of the database, this query's own included: the pool may hand the next call another
        // physical connection, and a backend missing from the start list would be counted with its whole lifetime.
        async Task<List<int>> BackendsAsync()
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "select pid from pg_stat_activity where datname = current_database()", connection);
            var pids = new List<int>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                pids.Add(reader.GetInt32(0));
            return pids;
        }

        /// "CPU per result: bench … µs, service … µs, PostgreSQL … µs, RabbitMQ … µs (… % of one core …)".
        public async Task<string> StopAsync(long results, TimeSpan elapsed)
        {
            var postgres = 0.0;
            foreach (var pid in await BackendsAsync())
                postgres += CpuSeconds(pid) - backendsAtStart.GetValueOrDefault(pid);
            var parts = new List<(string Name, double Seconds)> { ("bench", CpuSeconds(Environment.ProcessId) - benchAtStart) };
            if (servicePid is { } s)
                parts.Add(("service", CpuSeconds(s) - serviceAtStart));
            parts.Add(("postgres backends", postgres));
            if (rabbitPid is { } r)
                parts.Add(("rabbitmq (shared)", CpuSeconds(r) - rabbitAtStart));
            return "CPU per result: " + string.Join(", ", parts.Select(p =>
                $"{p.Name} {p.Seconds * 1e6 / results:0.0} µs ({p.Seconds / elapsed.TotalSeconds * 100:0}% of a core)"));
        }
    }

    public static double PeakRssMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }

    /// CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 once it has gone.
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// The RabbitMQ node (shared with everything else on this box, so its figure is an upper bound).
    public static int? RabbitPid() =>
        Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit))
            .Select(int.Parse).FirstOrDefault(pid =>
            {
                try { return File.ReadAllText($"/proc/{pid}/comm").Trim() == "beam.smp"; }
                catch (IOException) { return false; }
            }) is var found and > 0 ? found : null;

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public static double Percentile(List<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(q * sorted.Count) - 1)];
}
