using System.Collections.Concurrent;
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
using Sentinel.Testing;

namespace Sentinel.HeartbeatDeadlines.Bench;

/// From a heartbeat's missed deadline to its webhook, with HEARTBEATS heartbeats live at once; then ping throughput
/// with every service consuming (FLOOD_SECONDS of FLOOD_CONNECTIONS concurrent pings to the punctual heartbeats) and
/// the count Telemetry-Ingest stored against the count answered 200. Every loop is bounded by count and by DEADLINE;
/// everything runs on loopback.
public static class HeartbeatDeadlinesBench
{
    const string ApiKey = "sk_bench_heartbeats_0123456789abcdefghijk";
    static readonly string[] ServiceNames = ["Gateway", "Scheduler", "Checker", "TelemetryIngest", "AlertEvaluation", "Delivery"];

    static int Setting(string name, int fallback) =>
        int.Parse(Environment.GetEnvironmentVariable(name) ?? fallback.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static async Task<int> Main()
    {
        var count = Setting("HEARTBEATS", 10_000);
        var lateCount = Math.Min(count, Setting("LATE", 500));
        var period = TimeSpan.FromSeconds(Setting("PERIOD", 30));
        var grace = TimeSpan.FromSeconds(Setting("GRACE", 5));
        var createConcurrency = Setting("CREATE_CONCURRENCY", 32);
        var limit = TimeSpan.FromSeconds(Setting("DEADLINE", 900));
        var run = Stopwatch.StartNew();
        Console.WriteLine($"heartbeats={count} late={lateCount} period={period.TotalSeconds}s grace={grace.TotalSeconds}s; load: {File.ReadAllText("/proc/loadavg").Trim()}");

        await using var receiver = await WebhookReceiver.StartAsync();
        await using var database = await TestDatabase.CreateAsync("bench_heartbeats");
        await using var virtualHost = await TestVirtualHost.CreateAsync("bench-heartbeats");
        var ports = ServiceNames.ToDictionary(s => s, _ => FreePort());
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["RabbitMq__VirtualHost"] = virtualHost.Name,
            ["Gateway__BootstrapApiKey"] = ApiKey,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Heartbeats__MinSeconds"] = "1",
            ["RateLimits__ApiKeyPerMinute"] = "1000000", // creating 10,000 monitors in seconds is the bench, not abuse
            // One channel serves every late monitor: its alerts must not be rate limited away.
            ["Alerting__RateLimits__ChannelMaxAlerts"] = "1000000",
            ["Alerting__RateLimits__MonitorMaxAlerts"] = "1000000",
        };
        foreach (var (name, port) in ports)
            environment[$"Services__{name}"] = $"http://127.0.0.1:{port}";

        var logs = Path.Combine(Path.GetTempPath(), $"bench-heartbeats-{DateTime.UtcNow:HHmmss}");
        Directory.CreateDirectory(logs);
        var services = new List<ServiceProcess>();
        try
        {
            foreach (var name in ServiceNames.Where(n => n != "Checker"))
                await ServiceProcess.MigrateAsync(name, environment);
            services.AddRange(ServiceNames.Select(n => new ServiceProcess(n, ports[n], environment, Path.Combine(logs, $"{n}.log"))));
            await Task.WhenAll(services.Select(s => s.StartAsync()));
            Console.WriteLine($"services started; logs in {logs}");

            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports["Gateway"]}/api/v1/"), Timeout = TimeSpan.FromSeconds(60) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            var channel = await PostAsync(api, "channels", new { name = "late hook", type = "webhook", settings = new { url = receiver.Url } });
            var channelId = channel.GetProperty("id").GetGuid();

            var created = Stopwatch.StartNew();
            var monitors = new (Guid Id, string PingUrl)[count];
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, createConcurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count && run.Elapsed < limit)
                {
                    var monitor = await PostAsync(api, "monitors", new
                    {
                        name = $"job-{i}", type = "heartbeat", periodSeconds = (int)period.TotalSeconds, graceSeconds = (int)grace.TotalSeconds,
                        failureThreshold = 1, channelIds = i < lateCount ? new[] { channelId } : Array.Empty<Guid>(),
                    });
                    monitors[i] = (monitor.GetProperty("id").GetGuid(), monitor.GetProperty("pingUrl").GetString()!);
                }
            }));
            Console.WriteLine($"created {count} heartbeats in {created.Elapsed.TotalSeconds:0.0} s");
            // The Scheduler must know every heartbeat before the first ping, or that ping sets no deadline.
            while (await database.CountAsync("select count(*) from scheduler.heartbeats") < count && run.Elapsed < limit)
                await Task.Delay(500);

            using var pinger = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var lastPing = new ConcurrentDictionary<Guid, DateTimeOffset>();
            async Task PingAsync(int i)
            {
                var sent = DateTimeOffset.UtcNow;
                using var response = await pinger.GetAsync(monitors[i].PingUrl);
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"ping {i}: {(int)response.StatusCode}");
                lastPing[monitors[i].Id] = sent;
            }

            // Late monitors: one ping each, spread over 10 s so their deadlines spread too; punctual ones keep pinging.
            using var stop = new CancellationTokenSource();
            // The slowest round of punctual pings: past period + grace, punctual monitors miss their deadlines too and
            // Alert-Evaluation's miss queue fills with them (the figures then measure an overloaded box, not latency).
            var slowestRound = TimeSpan.Zero;
            var roundSeconds = new ConcurrentQueue<double>();
            // Warm-up: the first rounds ping the late monitors too. A new heartbeat's first ping flips it new → up, and
            // the first rounds (10,000 flips through Alert-Evaluation and back, JIT) are several times slower than the
            // steady ones; the late monitors stop only after WARMUP_ROUNDS (3; 0 = straight after creation).
            var warmupRounds = Setting("WARMUP_ROUNDS", 3);
            var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (warmupRounds == 0)
                warmedUp.SetResult();
            var punctual = Task.Run(async () =>
            {
                var rounds = 0;
                while (!stop.IsCancellationRequested && run.Elapsed < limit && rounds++ < 1_000)
                {
                    var round = Stopwatch.StartNew();
                    var first = rounds <= warmupRounds ? 0 : lateCount;
                    await Parallel.ForEachAsync(Enumerable.Range(first, count - first),
                        new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) => await PingAsync(i));
                    roundSeconds.Enqueue(round.Elapsed.TotalSeconds);
                    if (round.Elapsed > slowestRound)
                        slowestRound = round.Elapsed;
                    var rest = period / 2 - round.Elapsed;
                    if (rest > TimeSpan.Zero)
                        await Task.Delay(rest, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    if (rounds == warmupRounds)
                        warmedUp.TrySetResult();
                }
                warmedUp.TrySetResult();
            });
            await warmedUp.Task;
            for (var i = 0; i < lateCount; i++)
            {
                await PingAsync(i);
                await Task.Delay(TimeSpan.FromSeconds(10) / lateCount);
            }
            var lateIds = monitors.Take(lateCount).Select(m => m.Id).ToHashSet();
            Console.WriteLine($"late monitors pinged once; waiting for their {lateCount} down webhooks");

            while (lateIds.Count(id => receiver.DownAt.ContainsKey(id)) < lateCount && run.Elapsed < limit)
                await Task.Delay(500);
            await stop.CancelAsync();
            await punctual;

            var latencies = lateIds.Where(receiver.DownAt.ContainsKey)
                .Select(id => (receiver.DownAt[id] - (lastPing[id] + period + grace)).TotalSeconds)
                .Order().ToArray();
            var strays = receiver.DownAt.Keys.Count(id => !lateIds.Contains(id));
            double P(double q) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
            Console.WriteLine($"RESULT heartbeats={count} late={lateCount} downs received={latencies.Length} (of {lateCount}), " +
                $"downs for punctual monitors={strays}, duplicates={receiver.Duplicates}");
            Console.WriteLine($"RESULT deadline → webhook: min {latencies.FirstOrDefault():0.000} s, p50 {P(0.5):0.000} s, " +
                $"p99 {P(0.99):0.000} s, max {latencies.LastOrDefault():0.000} s; load: {File.ReadAllText("/proc/loadavg").Trim()}");

            var incidentMonitors = await database.CountAsync("select count(distinct monitor_id) from alerting.incidents");
            var punctualDown = incidentMonitors - lateCount; // every late monitor has (or is about to have) one
            Console.WriteLine($"RESULT punctual monitors: slowest round of {count - lateCount} pings {slowestRound.TotalSeconds:0.0} s " +
                $"(deadline after {(period + grace).TotalSeconds:0} s), at least {Math.Max(0, punctualDown)} of them had an incident (missed a deadline); " +
                $"rounds: {string.Join(" ", roundSeconds.Select(r => r.ToString("0.0", CultureInfo.InvariantCulture)))} s");

            await PrintStagesAsync(database.ConnectionString, period + grace, lateIds.Where(receiver.DownAt.ContainsKey)
                .ToDictionary(id => id, id => (Sent: lastPing[id], Arrived: receiver.DownAt[id])));

            // Throughput with everything running: every service consumes the pings (Telemetry-Ingest stores them).
            var flood = await FloodAsync(monitors.Skip(lateCount).Select(m => m.PingUrl).ToArray(),
                TimeSpan.FromSeconds(Setting("FLOOD_SECONDS", 20)), Setting("FLOOD_CONNECTIONS", 128));
            var storedBefore = flood.StoredBefore;
            long stored = 0;
            for (var wait = 0; wait < 240 && run.Elapsed < limit; wait++)
            {
                stored = await database.CountAsync("select count(*) from telemetry.heartbeat_pings") - storedBefore;
                if (stored >= flood.Answered)
                    break;
                await Task.Delay(500);
            }
            Console.WriteLine($"RESULT pings with all six services: {flood.Answered / flood.Seconds:0}/s answered 200 ({flood.Answered} in " +
                $"{flood.Seconds:0.0} s, {flood.Failed} not 200), p50 {flood.P50:0.0} ms, p99 {flood.P99:0.0} ms; stored by Telemetry-Ingest " +
                $"{stored} (lost: {Math.Max(0, flood.Answered - stored)}); load: {File.ReadAllText("/proc/loadavg").Trim()}");

            async Task<Flood> FloodAsync(string[] urls, TimeSpan length, int connections)
            {
                var before = await database.CountAsync("select count(*) from telemetry.heartbeat_pings");
                using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { Timeout = TimeSpan.FromSeconds(10) };
                var samples = new ConcurrentBag<double>();
                long answered = 0, failed = 0;
                var watch = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
                {
                    var random = new Random(c);
                    while (watch.Elapsed < length)
                    {
                        var started = Stopwatch.GetTimestamp();
                        try
                        {
                            using var response = await client.GetAsync(urls[random.Next(urls.Length)]);
                            if (response.StatusCode == HttpStatusCode.OK)
                                Interlocked.Increment(ref answered);
                            else
                                Interlocked.Increment(ref failed);
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                        {
                            Interlocked.Increment(ref failed);
                        }
                        samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }));
                var seconds = watch.Elapsed.TotalSeconds;
                var sorted = samples.Order().ToArray();
                double Q(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
                return new Flood(answered, failed, seconds, Q(0.5), Q(0.99), before);
            }

            return latencies.Length == lateCount && strays == 0 && stored >= flood.Answered ? 0 : 1;
        }
        finally
        {
            await Task.WhenAll(services.Select(s => s.StopAsync()));
        }
    }

    /// Where the time went, per late monitor, from what each service wrote down: the Gateway's receipt of the ping
    /// (the Scheduler's last_ping_at, from which the real deadline counts), the Scheduler's miss round
    /// (heartbeats.updated_at), Alert-Evaluation's incident (opened_at), Delivery's notification (created_at when
    /// consumed, the delivering try's started_at, delivered_at when the receiver answered) and the webhook's arrival at
    /// the bench. Same box, same clock.
    static async Task PrintStagesAsync(string connectionString, TimeSpan periodAndGrace,
        Dictionary<Guid, (DateTimeOffset Sent, DateTimeOffset Arrived)> late)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            select h.monitor_id, h.last_ping_at, h.updated_at, i.opened_at, d.created_at,
                   (select max(a.started_at) from delivery.delivery_attempts a where a.notification_id = d.notification_id),
                   d.delivered_at
            from scheduler.heartbeats h
            join alerting.incidents i on i.monitor_id = h.monitor_id
            join delivery.deliveries d on d.incident_id = i.id and d.event = 'down'
            where h.monitor_id = any(@ids) and d.delivered_at is not null
            """, connection);
        command.Parameters.AddWithValue("ids", late.Keys.ToArray());
        var stages = new Dictionary<string, List<double>>
        {
            ["ping sent → Gateway received it (the bench's deadline is early by this)"] = [],
            ["deadline (received + period + grace) → Scheduler miss committed"] = [],
            ["→ Alert-Evaluation incident opened"] = [],
            ["→ Delivery consumed the notification"] = [],
            ["→ Delivery started the try that delivered it"] = [],
            ["→ the receiver answered (the try itself)"] = [],
            ["→ bench handler saw it"] = [],
            ["deadline → bench handler (the whole path)"] = [],
        };
        var names = stages.Keys.ToArray();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var (sent, arrived) = late[reader.GetGuid(0)];
                var received = reader.GetFieldValue<DateTimeOffset>(1);
                var points = new[] { received + periodAndGrace, reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6), arrived };
                stages[names[0]].Add((received - sent).TotalSeconds);
                for (var s = 1; s < points.Length; s++)
                    stages[names[s]].Add((points[s] - points[s - 1]).TotalSeconds);
                stages[names[^1]].Add((arrived - points[0]).TotalSeconds);
            }
        }
        foreach (var (name, values) in stages)
        {
            var sorted = values.Order().ToArray();
            double Q(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            Console.WriteLine($"STAGE {name}: n={sorted.Length} p50 {Q(0.5):0.000} s, p99 {Q(0.99):0.000} s, max {sorted.LastOrDefault():0.000} s");
        }
    }

    static async Task<JsonElement> PostAsync(HttpClient api, string path, object body)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await api.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
                return JsonSerializer.Deserialize<JsonElement>(text);
            if (attempt == 5)
                throw new InvalidOperationException($"POST {path} failed: {(int)response.StatusCode} {text}");
            await Task.Delay(1000);
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

sealed record Flood(long Answered, long Failed, double Seconds, double P50, double P99, long StoredBefore);

/// Notes when the first 'down' of each monitor arrived; counts any second one.
sealed class WebhookReceiver(WebApplication host) : IAsyncDisposable
{
    readonly WebApplication app = host;
    public ConcurrentDictionary<Guid, DateTimeOffset> DownAt { get; } = new();
    int duplicates;
    public int Duplicates => duplicates;
    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.MapPost("/hook", async Task<IResult> (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            if (body.GetProperty("event").GetString() == "down" && !receiver.DownAt.TryAdd(body.GetProperty("monitor").GetProperty("id").GetGuid(), DateTimeOffset.UtcNow))
                Interlocked.Increment(ref receiver.duplicates);
            return Results.Ok();
        });
        await receiver.app.StartAsync();
        receiver.Url = receiver.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single() + "/hook";
        return receiver;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
