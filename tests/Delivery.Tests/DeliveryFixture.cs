using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Sentinel.Delivery.Channels;
using Sentinel.Contracts;
using Sentinel.Delivery.Channels.Webhook;
using Sentinel.Delivery.Notifications;
using Sentinel.ServiceDefaults.Data;
using Sentinel.Testing;

namespace Sentinel.Delivery.Tests;

/// One database, virtual host, webhook receiver and running Delivery service for the whole assembly.
[SetUpFixture]
public sealed class DeliveryFixture
{
    public const int MaxAttempts = 3;
    public const int PerChannelConcurrency = 2;
    /// Small, so a burst to one channel both waits in memory and is put off.
    public const int PerChannelQueue = 2;
    public static readonly string SecretKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    static TestDatabase? database;
    static TestVirtualHost? virtualHost;
    static WebhookReceiver? receiver;
    static DeliveryFactory? factory;

    public static TestDatabase Database => database ?? throw new InvalidOperationException("fixture not set up");
    public static WebhookReceiver Receiver => receiver ?? throw new InvalidOperationException("fixture not set up");
    public static WebApplicationFactory<Program> Factory => factory ?? throw new InvalidOperationException("fixture not set up");
    public static BusRecorder Bus { get; } = new();
    public static ChannelSecrets Secrets => Factory.Services.GetRequiredService<ChannelSecrets>();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        database = await TestDatabase.CreateAsync("delivery_tests");
        virtualHost = await TestVirtualHost.CreateAsync("delivery_tests");
        receiver = await WebhookReceiver.StartAsync();
        factory = new DeliveryFactory(database.ConnectionString, virtualHost.Name);

        await using (var scope = factory.Services.CreateAsyncScope())
            await DatabaseExtensions.MigrateAsync<DeliveryDb>(scope.ServiceProvider, CancellationToken.None);

        // Ready = database migrated and the bus connected, so the endpoint below can be bound.
        using var http = factory.CreateClient();
        await Poll.UntilAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, ok => ok,
            TimeSpan.FromSeconds(30), "the Delivery service to be ready");

        var bus = factory.Services.GetRequiredService<IBus>();
        bus.ConnectConsumeObserver(Bus);
        var outcomes = bus.ConnectReceiveEndpoint("delivery-tests-outcomes", e =>
        {
            e.Handler<NotificationDelivered>(c => { Bus.RecordPublished(c.Message); return Task.CompletedTask; });
            e.Handler<NotificationFailed>(c => { Bus.RecordPublished(c.Message); return Task.CompletedTask; });
        });
        await outcomes.Ready.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (factory is not null)
            await factory.DisposeAsync();
        if (receiver is not null)
            await receiver.DisposeAsync();
        if (virtualHost is not null)
            await virtualHost.DisposeAsync();
        if (database is not null)
            await database.DisposeAsync();
    }

    public static async Task PublishAsync<T>(T message) where T : class =>
        await Factory.Services.GetRequiredService<IBus>().Publish(message);

    public static async Task SendAsync(SendNotification command)
    {
        var endpoint = await Factory.Services.GetRequiredService<IBus>()
            .GetSendEndpoint(Queues.Address(Queues.SendNotification));
        await endpoint.Send(command);
    }

    public static async Task<T> QueryAsync<T>(Func<DeliveryDb, Task<T>> query)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeliveryDb>();
        return await query(db);
    }

    /// A webhook channel the service knows: published as a catalog event and waited for.
    public static async Task<ChannelUpserted> WebhookChannelAsync(
        string url, Guid? tenantId = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var channel = new ChannelUpserted(
            Guid.NewGuid(), tenantId ?? Guid.NewGuid(), 1, "ops hook", WebhookChannel.TypeName,
            new WebhookChannelSettings(url, headers ?? new Dictionary<string, string>()), DateTimeOffset.UtcNow);
        await PublishAsync(channel);
        await Poll.UntilAsync(
            () => QueryAsync(db => db.Channels.AnyAsync(c => c.Id == channel.ChannelId)), found => found,
            TimeSpan.FromSeconds(20), $"channel {channel.ChannelId} to be copied");
        return channel;
    }

    /// A channel of any kind, its settings as the Gateway sends them (SettingsJson), published and waited for.
    public static async Task<ChannelUpserted> ChannelAsync(string type, object settings, Guid? tenantId = null)
    {
        var channel = new ChannelUpserted(
            Guid.NewGuid(), tenantId ?? Guid.NewGuid(), 1, $"{type} channel", type, null, DateTimeOffset.UtcNow,
            JsonSerializer.Serialize(settings, JsonSerializerOptions.Web));
        await PublishAsync(channel);
        await Poll.UntilAsync(
            () => QueryAsync(db => db.Channels.AnyAsync(c => c.Id == channel.ChannelId)), found => found,
            TimeSpan.FromSeconds(20), $"channel {channel.ChannelId} to be copied");
        return channel;
    }

    public static SendNotification DownNotification(ChannelUpserted channel, Guid? incidentId = null, string? customMessage = null)
    {
        var incident = incidentId ?? Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        return new SendNotification(
            DeterministicGuid.ForNotification(incident, NotificationEvents.Down, channel.ChannelId),
            channel.TenantId, channel.ChannelId, incident, Guid.NewGuid(), "api", NotificationEvents.Down,
            MonitorStatuses.Down, "connection refused", customMessage, now.AddMinutes(-1), null, now);
    }

    /// Waits until the notification is delivered or failed and returns its row.
    public static Task<NotificationDelivery?> FinalDeliveryAsync(Guid notificationId) =>
        Poll.UntilAsync(
            () => QueryAsync(db => db.Deliveries.AsNoTracking().SingleOrDefaultAsync(d => d.NotificationId == notificationId)),
            d => d is { IsFinal: true }, TimeSpan.FromSeconds(30), $"notification {notificationId} to finish");

    public static Task<List<DeliveryAttempt>> AttemptsAsync(Guid notificationId) =>
        QueryAsync(db => db.DeliveryAttempts.AsNoTracking()
            .Where(a => a.NotificationId == notificationId).OrderBy(a => a.Attempt).ToListAsync());

    public sealed class DeliveryFactory(string connectionString, string virtualHost, params (string Key, string Value)[] extra)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:Postgres", connectionString);
            builder.UseSetting("RabbitMq:VirtualHost", virtualHost);
            builder.UseSetting("RabbitMq:RetryLimit", "4");
            // Ten minutes: rows are relayed only because their commit woke the relay (OutboxNotifications).
            builder.UseSetting("Outbox:PollMilliseconds", "600000");
            builder.UseSetting("Delivery:MaxAttempts", MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Delivery:TimeoutSeconds", "1");
            builder.UseSetting("Delivery:SecretKey", SecretKey);
            builder.UseSetting("Delivery:RetryBaseSeconds", "0.2");
            builder.UseSetting("Delivery:RetryPollMilliseconds", "100");
            builder.UseSetting("Delivery:PerChannelConcurrency", PerChannelConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Delivery:PerChannelQueue", PerChannelQueue.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Delivery:BusyDeferMilliseconds", "50");
            builder.UseSetting("Delivery:IncidentUrl", "https://sentinel.example/incidents/{incidentId}");
            foreach (var (key, value) in extra)
                builder.UseSetting(key, value);
            if (extra.Length > 0)
                // A factory started and stopped inside a test: MassTransit keeps the logger factory of the last bus
                // in a static, so one that is disposed with its host would break the next bus in this process.
                builder.ConfigureServices(s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(
                    Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        }
    }
}
