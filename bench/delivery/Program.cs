using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Sentinel.Contracts;
using Sentinel.Delivery;
using Sentinel.ServiceDefaults.Data;
using Sentinel.ServiceDefaults.Messaging;
using Sentinel.ServiceDefaults.Outbox;
using Sentinel.Testing;

namespace Sentinel.Delivery.Bench;

/// Notification throughput in two measured parts, each on its own so one cannot hide the other:
/// 1. publisher side: the shared OutboxRelay (as in Alert-Evaluation) relays NOTIFICATIONS SendNotification rows from
///    a pre-filled outbox table into the send-notification queue;
/// 2. Delivery: one instance drains that queue to a loopback webhook receiver answering after 50 ms (first record →
///    last delivery, from the rows' own timestamps), then its own outbox of NotificationDelivered events.
/// Bounded: NOTIFICATIONS (default 10000) over CHANNELS (default 100) channels; every wait at most 180 s.
public static class DeliveryBench
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    public static async Task<int> Main()
    {
        var total = int.Parse(Environment.GetEnvironmentVariable("NOTIFICATIONS") ?? "10000", CultureInfo.InvariantCulture);
        var channelCount = int.Parse(Environment.GetEnvironmentVariable("CHANNELS") ?? "100", CultureInfo.InvariantCulture);

        var receiverBuilder = WebApplication.CreateSlimBuilder();
        receiverBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        receiverBuilder.Logging.ClearProviders();
        await using var receiver = receiverBuilder.Build();
        var received = 0;
        receiver.Run(async context =>
        {
            await Task.Delay(50);
            Interlocked.Increment(ref received);
            context.Response.StatusCode = 200;
        });
        await receiver.StartAsync();
        var receiverUrl = receiver.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();

        // WebApplicationFactory looks for the service's content root; outside a test project, say where it is.
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !Directory.Exists(Path.Combine(repo.FullName, "services", "Delivery")))
            repo = repo.Parent;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SENTINEL_DELIVERY",
            Path.Combine(repo?.FullName ?? ".", "services", "Delivery"));
        await using var database = await TestDatabase.CreateAsync("delivery_bench");
        await using var vhost = await TestVirtualHost.CreateAsync("delivery_bench");
        var secretKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        // Part 0: the channel copies, through a first Delivery instance (the settings are stored encrypted).
        var tenant = Guid.NewGuid();
        var channels = Enumerable.Range(0, channelCount).Select(i => new ChannelUpserted(Guid.NewGuid(), tenant, 1, $"bench {i}",
            ChannelKinds.Webhook, new WebhookChannelSettings($"{receiverUrl}/hook/{i}", new Dictionary<string, string>()), DateTimeOffset.UtcNow)).ToList();
        await using (var setup = DeliveryFactory(database, vhost, secretKey, quiet: true))
        {
            await using (var scope = setup.Services.CreateAsyncScope())
                await DatabaseExtensions.MigrateAsync<DeliveryDb>(scope.ServiceProvider, CancellationToken.None);
            await ReadyAsync(setup);
            var bus = setup.Services.GetRequiredService<IBus>();
            foreach (var channel in channels)
                await bus.Publish(channel);
            await Poll.UntilAsync(() => database.CountAsync("select count(*) from delivery.channels"), n => n == channelCount,
                TimeSpan.FromSeconds(60), "channel copies");
        }

        // Part 1: the publisher side, the shared OutboxRelay alone.
        var now = DateTimeOffset.UtcNow;
        var rows = Enumerable.Range(0, total).Select(i =>
        {
            var channel = channels[i % channelCount];
            var incident = Guid.NewGuid();
            var command = new SendNotification(DeterministicGuid.ForNotification(incident, "down", channel.ChannelId), tenant,
                channel.ChannelId, incident, Guid.NewGuid(), $"monitor {i}", "down", "down", "timeout", null, now, null, now);
            return OutboxMessage.Send(command, Queues.SendNotification, now);
        }).ToList();
        await database.ExecuteAsync("""
            create schema relay_bench;
            create table relay_bench.outbox (id bigint generated always as identity primary key, message_id uuid not null,
                message_type text not null, body jsonb not null, destination text, created_at timestamptz not null);
            """);
        await CopyOutboxAsync(database.ConnectionString, rows);
        var relayCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var relayClock = Stopwatch.StartNew();
        var relayBuilder = WebApplication.CreateSlimBuilder();
        relayBuilder.Logging.ClearProviders();
        relayBuilder.Services.AddSingleton(TimeProvider.System);
        relayBuilder.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        relayBuilder.Configuration["ConnectionStrings:Postgres"] = database.ConnectionString;
        relayBuilder.Configuration["RabbitMq:VirtualHost"] = vhost.Name;
        relayBuilder.AddSentinelDatabase<RelayBenchDb>("relay_bench");
        relayBuilder.AddSentinelBus("RelayBench", _ => { });
        TimeSpan relayed;
        await using (var relayHost = relayBuilder.Build())
        {
            await relayHost.StartAsync();
            await Poll.UntilAsync(() => database.CountAsync("select count(*) from relay_bench.outbox"), n => n == 0, Deadline, "the outbox relay");
            relayed = relayClock.Elapsed;
            relayCpu = Process.GetCurrentProcess().TotalProcessorTime - relayCpu;
            await relayHost.StopAsync();
        }
        Console.WriteLine($"outbox relay: {total} SendNotification rows relayed in {relayed.TotalSeconds:0.00} s (host start included): {total / relayed.TotalSeconds:0} messages/s; " +
            $"CPU of this process {relayCpu.TotalMilliseconds / total:0.00} ms per message");

        // Part 2: Delivery drains the queue.
        var cpuBefore = (Self: Process.GetCurrentProcess().TotalProcessorTime, Postgres: CpuOf("postgres"), Rabbit: CpuOf("beam.smp"));
        var deliveryClock = Stopwatch.StartNew();
        await using var factory = DeliveryFactory(database, vhost, secretKey, quiet: false);
        await ReadyAsync(factory);
        long delivered = 0;
        while (deliveryClock.Elapsed < Deadline)
        {
            delivered = await database.CountAsync("select count(*) from delivery.deliveries where status = 'delivered'");
            if (delivered >= total)
                break;
            await Task.Delay(100);
        }
        var allDelivered = deliveryClock.Elapsed;
        await Poll.UntilAsync(() => database.CountAsync("select count(*) from delivery.outbox"), n => n == 0, Deadline, "Delivery's outbox");
        var outboxEmpty = deliveryClock.Elapsed;
        var cpu = (Self: Process.GetCurrentProcess().TotalProcessorTime - cpuBefore.Self, Postgres: CpuOf("postgres") - cpuBefore.Postgres,
            Rabbit: CpuOf("beam.smp") - cpuBefore.Rabbit);
        var (window, recordWindow, attempts) = await DrainWindowAsync(database.ConnectionString);
        Console.WriteLine($"delivery: {total} commands over {channelCount} channels (receiver latency 50 ms)");
        Console.WriteLine($"delivered {delivered} (receiver saw {received}, {attempts} attempts) in {window.TotalSeconds:0.00} s from the first record to the last delivery: {delivered / window.TotalSeconds:0} notifications/s");
        Console.WriteLine($"commands recorded (consumed) in {recordWindow.TotalSeconds:0.00} s: {total / recordWindow.TotalSeconds:0}/s");
        Console.WriteLine($"host start to last delivery {allDelivered.TotalSeconds:0.0} s; to Delivery's outbox empty (NotificationDelivered relayed) {outboxEmpty.TotalSeconds:0.0} s");
        Console.WriteLine($"CPU while draining, per notification: this process (Delivery + receiver) {cpu.Self.TotalMilliseconds / total:0.00} ms, " +
            $"PostgreSQL {cpu.Postgres.TotalMilliseconds / total:0.00} ms, RabbitMQ {cpu.Rabbit.TotalMilliseconds / total:0.00} ms (whole machine's servers, shared with any other work)");
        using (var http = factory.CreateClient())
        {
            // Where the time went: batch sizes and durations of the batched writers, and the sends themselves.
            var metrics = await http.GetStringAsync("/metrics");
            foreach (var line in metrics.Split('\n').Where(l =>
                         (l.StartsWith("sentinel_delivery_writ", StringComparison.Ordinal) || l.StartsWith("sentinel_notification_send_seconds", StringComparison.Ordinal))
                         && (l.Contains("_sum", StringComparison.Ordinal) || l.Contains("_count", StringComparison.Ordinal) || l.Contains("_total", StringComparison.Ordinal))))
                Console.WriteLine($"  {line}");
        }
        return delivered >= total ? 0 : 1;
    }

    /// CPU time of every process with this command name, from /proc (clock ticks of 10 ms).
    static TimeSpan CpuOf(string command)
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                if (stat[(stat.IndexOf('(') + 1)..close] != command)
                    continue;
                var fields = stat[(close + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // A process that ended meanwhile, or a /proc entry that is not a process.
            }
        }
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    static WebApplicationFactory<Program> DeliveryFactory(TestDatabase database, TestVirtualHost vhost, string secretKey, bool quiet) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", database.ConnectionString);
            b.UseSetting("RabbitMq:VirtualHost", vhost.Name);
            b.UseSetting("Outbox:PollMilliseconds", "50");
            b.UseSetting("Delivery:PerChannelConcurrency", "16");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Delivery:SecretKey", secretKey);
            if (quiet)
                // MassTransit keeps the last bus's logger factory in a static: one disposed with its host breaks the next.
                b.ConfigureServices(s => s.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance));
        });

    static async Task ReadyAsync(WebApplicationFactory<Program> factory)
    {
        using var http = factory.CreateClient();
        await Poll.UntilAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(60), "Delivery ready");
    }

    static async Task CopyOutboxAsync(string connectionString, List<OutboxMessage> rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var copy = await connection.BeginBinaryImportAsync(
            "copy relay_bench.outbox (message_id, message_type, body, destination, created_at) from stdin (format binary)");
        foreach (var row in rows)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(row.MessageId, NpgsqlDbType.Uuid);
            await copy.WriteAsync(row.MessageType, NpgsqlDbType.Text);
            await copy.WriteAsync(row.Body, NpgsqlDbType.Jsonb);
            await copy.WriteAsync(row.Destination, NpgsqlDbType.Text);
            await copy.WriteAsync(row.CreatedAt, NpgsqlDbType.TimestampTz);
        }
        await copy.CompleteAsync();
    }

    static async Task<(TimeSpan Window, TimeSpan Recording, long Attempts)> DrainWindowAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select extract(epoch from max(delivered_at) - min(created_at))::float8,
                extract(epoch from max(created_at) - min(created_at))::float8,
                (select count(*) from delivery.delivery_attempts)
            from delivery.deliveries
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (TimeSpan.FromSeconds(reader.GetDouble(0)), TimeSpan.FromSeconds(reader.GetDouble(1)), reader.GetInt64(2));
    }
}

/// Stands in for a service's DbContext: only the outbox, in its own schema.
public sealed class RelayBenchDb(DbContextOptions<RelayBenchDb> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema("relay_bench");
        modelBuilder.AddOutbox();
    }
}
