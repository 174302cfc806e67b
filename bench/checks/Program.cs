using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Npgsql;
using Sentinel.Testing;

namespace Sentinel.Checks.Bench;

/// Checks per second, schedule lag and due-to-stored latency of the whole system for N HTTP monitors at one interval.
/// Every loop is bounded by count and by DEADLINE; everything runs on loopback.
public static class ChecksBench
{
    const string ApiKey = "sk_bench_checks_0123456789abcdefghijklmnop";
    static readonly string[] ServiceNames = ["Gateway", "Scheduler", "Checker", "TelemetryIngest", "AlertEvaluation", "Delivery"];

    static int Setting(string name, int fallback) =>
        int.Parse(Environment.GetEnvironmentVariable(name) ?? fallback.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static async Task<int> Main()
    {
        var monitors = Setting("MONITORS", 10_000);
        var interval = Setting("INTERVAL", 10);
        var warmup = TimeSpan.FromSeconds(Setting("WARMUP", 30));
        var measure = TimeSpan.FromSeconds(Setting("MEASURE", 60));
        var createConcurrency = Setting("CREATE_CONCURRENCY", 32);
        var deadline = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(Setting("DEADLINE", 900));
        Console.WriteLine($"monitors={monitors} interval={interval}s warmup={warmup.TotalSeconds}s measure={measure.TotalSeconds}s; load: {File.ReadAllText("/proc/loadavg").Trim()}");

        await using var farm = await TargetFarm.StartAsync();
        await using var database = await TestDatabase.CreateAsync("bench_checks");
        await using var virtualHost = await TestVirtualHost.CreateAsync("bench-checks");
        var ports = ServiceNames.ToDictionary(s => s, _ => FreePort());
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["RabbitMq__VirtualHost"] = virtualHost.Name,
            ["Gateway__BootstrapApiKey"] = ApiKey,
            ["Logging__LogLevel__Default"] = "Warning",
            // The bench creates its monitors through the API as fast as the Gateway takes them: no per-key limit.
            ["RateLimits__ApiKeyPerMinute"] = "100000000",
        };
        foreach (var (name, port) in ports)
            environment[$"Services__{name}"] = $"http://127.0.0.1:{port}";

        var services = new List<ServiceProcess>();
        try
        {
            foreach (var name in ServiceNames.Where(n => n != "Checker"))
                await ServiceProcess.MigrateAsync(name, environment);
            var logs = Directory.CreateTempSubdirectory("bench-checks-").FullName;
            services.AddRange(ServiceNames.Select(n => new ServiceProcess(n, ports[n], environment, Path.Combine(logs, $"{n}.log"))));
            Console.WriteLine($"service logs in {logs}");
            await Task.WhenAll(services.Select(s => s.StartAsync()));

            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports["Gateway"]}/api/v1/"), Timeout = TimeSpan.FromSeconds(60) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            await WaitForAsync(async () => (await api.GetAsync("monitors?limit=1")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the bootstrap key");

            // Create the monitors: 5 % answer 500, 10 % answer after 300 ms, the rest at once.
            var created = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, createConcurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < monitors && deadline.Elapsed < limit)
                {
                    // Up to 5 attempts: the shared machine's database may blip; the idempotency key keeps a retry single.
                    for (var attempt = 1; ; attempt++)
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "monitors")
                        {
                            Content = JsonContent.Create(new
                            {
                                name = $"bench-{i}", type = "http", url = farm.Url(i), intervalSeconds = interval, timeoutSeconds = Math.Min(5, interval),
                            }),
                        };
                        request.Headers.Add("Idempotency-Key", $"bench-{i}");
                        using var response = await api.SendAsync(request);
                        if (response.IsSuccessStatusCode)
                            break;
                        if (attempt == 5)
                            throw new InvalidOperationException($"creating monitor {i} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        await Task.Delay(1000);
                    }
                }
            }));
            Console.WriteLine($"created {Math.Min(monitors, next)} monitors in {created.Elapsed.TotalSeconds:0.0} s ({Math.Min(monitors, next) / created.Elapsed.TotalSeconds:0} /s)");

            // Catalog propagation: the Gateway's outbox → MonitorUpserted → the Scheduler's copy. Measure only once the
            // Scheduler knows every monitor, or "due" would count monitors it has not heard of yet.
            var propagated = Stopwatch.StartNew();
            while (await database.CountAsync("select count(*) from scheduler.schedules") < Math.Min(monitors, next) && deadline.Elapsed < limit)
                await Task.Delay(1000);
            Console.WriteLine($"scheduler knew all monitors {propagated.Elapsed.TotalSeconds:0.0} s after the last create");

            await Task.Delay(warmup);
            var cpuBefore = CpuSnapshot.Take(services);
            var rabbitBefore = await Rabbit.TotalsAsync(virtualHost.Name);
            var farmBefore = farm.Hits;
            var windowStart = DateTimeOffset.UtcNow;
            var sampler = new StoredSampler(database.ConnectionString, windowStart);
            var sampling = sampler.RunAsync(windowStart + measure + TimeSpan.FromSeconds(20));
            await Task.Delay(measure);
            var windowEnd = DateTimeOffset.UtcNow;
            var cpuAfter = CpuSnapshot.Take(services);
            var rabbitAfter = await Rabbit.TotalsAsync(virtualHost.Name);
            var farmHits = farm.Hits - farmBefore;
            await sampling; // 20 s more to let results of the window arrive

            await Report.WriteAsync(database.ConnectionString, monitors, interval, windowStart, windowEnd, farmHits,
                sampler, cpuBefore, cpuAfter, rabbitBefore, rabbitAfter, services, virtualHost.Name);
            return 0;
        }
        finally
        {
            await Task.WhenAll(services.Select(s => s.StopAsync()));
        }
    }

    static async Task WaitForAsync(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < timeout)
        {
            try
            {
                if (await probe())
                    return;
            }
            catch (HttpRequestException)
            {
                // not up yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// One process serving every monitored URL: /t/{i}. Some are slow, some fail; every request is counted.
sealed class TargetFarm(WebApplication app, string baseUrl) : IAsyncDisposable
{
    long hits;
    public long Hits => Interlocked.Read(ref hits);
    public string Url(int i) => $"{baseUrl}/t/{i}";

    public static async Task<TargetFarm> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        TargetFarm? farm = null;
        app.MapGet("/t/{i:int}", async (int i) =>
        {
            Interlocked.Increment(ref farm!.hits);
            if (i % 20 == 0)
                return Results.StatusCode(500);
            if (i % 10 == 1)
                await Task.Delay(300);
            return Results.Text("ok");
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        farm = new TargetFarm(app, url);
        return farm;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// Polls the results table every second and notes when each result of the window first became visible.
sealed class StoredSampler(string connectionString, DateTimeOffset windowStart)
{
    public Dictionary<Guid, (DateTimeOffset Due, DateTimeOffset Seen)> Seen { get; } = [];

    public async Task RunAsync(DateTimeOffset until)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var watermark = windowStart;
        while (DateTimeOffset.UtcNow < until)
        {
            var now = DateTimeOffset.UtcNow;
            await using var command = new NpgsqlCommand(
                "select check_id, due_at, checked_at from telemetry.ping_results where checked_at >= @from and due_at >= @start", connection);
            // Overlap of 10 s: a batch may commit after rows with a later checked_at.
            command.Parameters.AddWithValue("from", watermark.AddSeconds(-10));
            command.Parameters.AddWithValue("start", windowStart);
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                {
                    var id = reader.GetGuid(0);
                    var checkedAt = reader.GetFieldValue<DateTimeOffset>(2);
                    Seen.TryAdd(id, (reader.GetFieldValue<DateTimeOffset>(1), now));
                    if (checkedAt > watermark)
                        watermark = checkedAt;
                }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}

sealed record CpuSnapshot(DateTimeOffset At, Dictionary<string, double> Seconds)
{
    /// CPU seconds (user + system) of each service process, of RabbitMQ and of all PostgreSQL processes.
    public static CpuSnapshot Take(IEnumerable<ServiceProcess> services)
    {
        var seconds = services.ToDictionary(s => s.Name, s => CpuSeconds(s.Pid));
        double postgres = 0, rabbit = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var comm = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                if (comm == "postgres")
                    postgres += CpuSeconds(int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture), withReapedChildren: true);
                else if (comm.StartsWith("beam", StringComparison.Ordinal))
                    rabbit += CpuSeconds(int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
        }
        seconds["PostgreSQL (all backends)"] = postgres;
        seconds["RabbitMQ"] = rabbit;
        return new CpuSnapshot(DateTimeOffset.UtcNow, seconds);
    }

    /// withReapedChildren adds the CPU of children that already exited (cutime, cstime): PostgreSQL backends come
    /// and go, and the postmaster accounts for the finished ones.
    public static double CpuSeconds(int pid, bool withReapedChildren = false)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
            return (Field(11) + Field(12) + (withReapedChildren ? Field(13) + Field(14) : 0)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static long PeakRssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

/// Message totals of the virtual host from the management API (published and delivered since it was created).
static class Rabbit
{
    public sealed record Totals(long Published, long Delivered);

    public static async Task<Totals> TotalsAsync(string vhost)
    {
        using var http = new HttpClient();
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{TestInfrastructure.RabbitUser}:{TestInfrastructure.RabbitPassword}"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", auth);
        var json = await http.GetFromJsonAsync<JsonElement>(new Uri(TestInfrastructure.RabbitManagement, $"/api/vhosts/{Uri.EscapeDataString(vhost)}"));
        long Stat(string name) => json.TryGetProperty("message_stats", out var stats) && stats.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
        return new Totals(Stat("publish"), Stat("deliver_get"));
    }

    public static async Task<List<(string Queue, long Messages)>> BacklogsAsync(string vhost)
    {
        using var http = new HttpClient();
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{TestInfrastructure.RabbitUser}:{TestInfrastructure.RabbitPassword}"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", auth);
        var queues = await http.GetFromJsonAsync<JsonElement>(new Uri(TestInfrastructure.RabbitManagement, $"/api/queues/{Uri.EscapeDataString(vhost)}"));
        return queues.EnumerateArray()
            .Select(q => (q.GetProperty("name").GetString()!, q.TryGetProperty("messages", out var m) ? m.GetInt64() : 0))
            .Where(q => q.Item2 > 0).ToList();
    }
}

static class Report
{
    public static async Task WriteAsync(
        string connectionString, int monitors, int interval, DateTimeOffset start, DateTimeOffset end, long farmHits,
        StoredSampler sampler, CpuSnapshot cpuBefore, CpuSnapshot cpuAfter, Rabbit.Totals rabbitBefore, Rabbit.Totals rabbitAfter,
        IReadOnlyList<ServiceProcess> services, string vhost)
    {
        var seconds = (end - start).TotalSeconds;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Start lag: checked_at - due_at - latency (the check's own duration) = due → check start.
        await using var command = new NpgsqlCommand("""
            select count(*),
                   count(distinct monitor_id),
                   percentile_cont(0.5) within group (order by lag), percentile_cont(0.99) within group (order by lag), max(lag),
                   percentile_cont(0.5) within group (order by done), percentile_cont(0.99) within group (order by done)
            from (select extract(epoch from checked_at - due_at) - latency_ms / 1000.0 as lag,
                         extract(epoch from checked_at - due_at) as done, monitor_id
                  from telemetry.ping_results where due_at >= @start and due_at < @end) r
            """, connection);
        command.Parameters.AddWithValue("start", start);
        command.Parameters.AddWithValue("end", end);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var stored = reader.GetInt64(0);
        var monitorsSeen = reader.GetInt64(1);
        double D(int i) => reader.IsDBNull(i) ? double.NaN : reader.GetDouble(i);
        var (lag50, lag99, lagMax, done50, done99) = (D(2), D(3), D(4), D(5), D(6));
        await reader.CloseAsync();

        // Skipped: a monitor has floor(window / interval) grid slots at least inside the window.
        await using var skipped = new NpgsqlCommand("""
            select count(*) from (select m, coalesce(n, 0) n from unnest(@ids) m
              left join (select monitor_id, count(*) n from telemetry.ping_results where due_at >= @start and due_at < @end group by monitor_id) r
              on r.monitor_id = m) x where n < @min
            """, connection);
        var ids = (await MonitorIdsAsync(connection)).ToArray();
        skipped.Parameters.AddWithValue("ids", ids);
        skipped.Parameters.AddWithValue("start", start);
        skipped.Parameters.AddWithValue("end", end);
        skipped.Parameters.AddWithValue("min", (long)Math.Floor(seconds / interval));
        var short_ = (long)(await skipped.ExecuteScalarAsync())!;

        var stores = sampler.Seen.Values.Where(v => v.Due < end).Select(v => (v.Seen - v.Due).TotalSeconds).Order().ToList();
        double P(List<double> xs, double q) => xs.Count == 0 ? double.NaN : xs[(int)Math.Min(xs.Count - 1, Math.Floor(q * xs.Count))];

        Console.WriteLine();
        Console.WriteLine($"window {seconds:0} s ({start:HH:mm:ss}–{end:HH:mm:ss} UTC), load now: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"checks due      {monitors / (double)interval:0.0}/s   (N / interval)");
        Console.WriteLine($"checks run      {farmHits / seconds:0.0}/s   (target-farm requests)");
        Console.WriteLine($"checks stored   {stored / seconds:0.0}/s   ({stored} results due in the window, {monitorsSeen} monitors)");
        Console.WriteLine($"monitors short  {short_}   (fewer results than the {Math.Floor(seconds / interval)} slots each had in the window)");
        Console.WriteLine($"schedule lag    p50 {lag50:0.000} s  p99 {lag99:0.000} s  max {lagMax:0.000} s   (due → check start)");
        Console.WriteLine($"due → checked   p50 {done50:0.000} s  p99 {done99:0.000} s");
        Console.WriteLine($"due → stored    p50 {P(stores, 0.5):0.0} s  p99 {P(stores, 0.99):0.0} s  max {(stores.Count == 0 ? double.NaN : stores[^1]):0.0} s   (1 s polling)");
        Console.WriteLine($"messages        published {(rabbitAfter.Published - rabbitBefore.Published) / seconds:0}/s, delivered {(rabbitAfter.Delivered - rabbitBefore.Delivered) / seconds:0}/s");
        foreach (var (queue, messages) in await Rabbit.BacklogsAsync(vhost))
            Console.WriteLine($"backlog         {queue}: {messages}");
        Console.WriteLine("CPU (% of one core over the window) and peak RSS:");
        foreach (var (name, after) in cpuAfter.Seconds)
        {
            var pid = services.FirstOrDefault(s => s.Name == name)?.Pid;
            var rss = pid is { } p ? $"{CpuSnapshot.PeakRssMb(p)} MB" : "";
            Console.WriteLine($"  {name,-26} {100 * (after - cpuBefore.Seconds.GetValueOrDefault(name)) / seconds,6:0}%  {rss}");
        }
    }

    static async Task<List<Guid>> MonitorIdsAsync(NpgsqlConnection connection)
    {
        var ids = new List<Guid>();
        await using var command = new NpgsqlCommand("select id from gateway.monitors", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return ids;
    }
}

