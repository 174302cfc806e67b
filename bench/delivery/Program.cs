using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.Contracts;
using Sentinel.Delivery;
using Sentinel.ServiceDefaults.Data;
using Sentinel.Testing;

namespace Sentinel.Delivery.Bench;

/// Notifications per second from one Delivery instance to a loopback webhook receiver that answers after 50 ms.
/// Bounded: NOTIFICATIONS commands (default 6000) across CHANNELS channels (default 100), at most 180 s.
public static class DeliveryBench
{
    public static async Task<int> Main()
    {
        var total = int.Parse(Environment.GetEnvironmentVariable("NOTIFICATIONS") ?? "6000", CultureInfo.InvariantCulture);
        var channelCount = int.Parse(Environment.GetEnvironmentVariable("CHANNELS") ?? "100", CultureInfo.InvariantCulture);
        var deadline = TimeSpan.FromSeconds(180);

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
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", database.ConnectionString);
            b.UseSetting("RabbitMq:VirtualHost", vhost.Name);
            b.UseSetting("Outbox:PollMilliseconds", "50");
            b.UseSetting("Delivery:ConsumerConcurrency", "256");
            b.UseSetting("Delivery:PerChannelConcurrency", "16");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Delivery:SecretKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        });
        await using (var scope = factory.Services.CreateAsyncScope())
            await DatabaseExtensions.MigrateAsync<DeliveryDb>(scope.ServiceProvider, CancellationToken.None);
        using (var http = factory.CreateClient())
            await Poll.UntilAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(60), "Delivery ready");

        var bus = factory.Services.GetRequiredService<IBus>();
        var tenant = Guid.NewGuid();
        var channels = Enumerable.Range(0, channelCount).Select(i => new ChannelUpserted(Guid.NewGuid(), tenant, 1, $"bench {i}",
            ChannelKinds.Webhook, new WebhookChannelSettings($"{receiverUrl}/hook/{i}", new Dictionary<string, string>()), DateTimeOffset.UtcNow)).ToList();
        foreach (var channel in channels)
            await bus.Publish(channel);
        await Poll.UntilAsync(() => database.CountAsync("select count(*) from delivery.channels"), n => n == channelCount,
            TimeSpan.FromSeconds(60), "channel copies");

        var endpoint = await bus.GetSendEndpoint(Queues.Address(Queues.SendNotification));
        var now = DateTimeOffset.UtcNow;
        var commands = Enumerable.Range(0, total).Select(i =>
        {
            var channel = channels[i % channelCount];
            var incident = Guid.NewGuid();
            return new SendNotification(DeterministicGuid.ForNotification(incident, "down", channel.ChannelId), tenant, channel.ChannelId,
                incident, Guid.NewGuid(), $"monitor {i}", "down", "down", "timeout", null, now, null, now);
        }).ToList();

        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(commands, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, ct) => await endpoint.Send(c, ct));
        var sentIn = clock.Elapsed;
        long delivered = 0;
        while (clock.Elapsed < deadline)
        {
            delivered = await database.CountAsync("select count(*) from delivery.deliveries where status = 'delivered'");
            if (delivered >= total)
                break;
            await Task.Delay(200);
        }
        clock.Stop();
        Console.WriteLine($"commands: {total} over {channelCount} channels (receiver latency 50 ms)");
        Console.WriteLine($"enqueued in {sentIn.TotalSeconds:0.0} s; delivered {delivered} in {clock.Elapsed.TotalSeconds:0.0} s; receiver saw {received}");
        Console.WriteLine($"throughput: {delivered / clock.Elapsed.TotalSeconds:0} notifications/s");
        return delivered >= total ? 0 : 1;
    }
}
