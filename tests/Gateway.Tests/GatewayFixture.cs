using MassTransit;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.ApiKeys;
using Sentinel.Gateway.Tenants;
using Sentinel.Testing;

namespace Sentinel.Gateway.Tests;

/// One database, one virtual host and one Gateway for the whole assembly. The outbox relay runs once at start and
/// then sleeps for an hour, so tests can read the outbox rows their requests added.
[SetUpFixture]
public sealed class GatewayFixture
{
    public const string BootstrapSecret = "sk_test_bootstrap_00000000000000000000000000";
    public const string OtherTenantSecret = "sk_test_other_tenant_000000000000000000000000";

    public static TestDatabase Db { get; private set; } = null!;
    public static TestVirtualHost VirtualHost { get; private set; } = null!;
    public static WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public static FakeAlertEvaluation Alerting { get; private set; } = null!;
    public static Guid OtherTenantId { get; } = Guid.CreateVersion7();
    public static string ReadOnlySecret { get; private set; } = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Db = await TestDatabase.CreateAsync("gateway_tests");
        VirtualHost = await TestVirtualHost.CreateAsync("gateway_tests");
        await using (var catalog = NewCatalog())
            await catalog.Database.MigrateAsync();
        Alerting = await FakeAlertEvaluation.StartAsync();

        Factory = CreateFactory(Alerting.Url);
        using var client = Client(BootstrapSecret);
        // The bootstrap key is written by a background service: wait for it.
        await Poll.UntilAsync(() => client.GetAsync("/api/v1/api-keys"), r => r.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the bootstrap API key");
        await Poll.UntilAsync(() => client.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the Gateway to be ready");

        var created = await client.PostAsJsonAsync("/api/v1/api-keys", new { name = "reader", scope = "read-only" });
        created.EnsureSuccessStatusCode();
        ReadOnlySecret = (await created.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!.Secret;

        await using var db = NewCatalog();
        db.Tenants.Add(new Tenant { Id = OtherTenantId, Name = "other", CreatedAt = DateTimeOffset.UtcNow });
        db.ApiKeys.Add(new ApiKey
        {
            Id = Guid.CreateVersion7(),
            TenantId = OtherTenantId,
            Name = "other",
            Prefix = ApiKeySecret.PrefixOf(OtherTenantSecret),
            KeyHash = ApiKeySecret.Hash(OtherTenantSecret),
            Scope = ApiKeyScopes.ReadWrite,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (Factory is not null)
            await Factory.DisposeAsync();
        if (Alerting is not null)
            await Alerting.DisposeAsync();
        if (VirtualHost is not null)
            await VirtualHost.DisposeAsync();
        if (Db is not null)
            await Db.DisposeAsync();
    }

    public static WebApplicationFactory<Program> CreateFactory(string alertEvaluationUrl) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", Db.ConnectionString);
            b.UseSetting("RabbitMq:VirtualHost", VirtualHost.Name);
            b.UseSetting("Outbox:PollMilliseconds", "3600000");
            b.UseSetting("Outbox:Listen", "false"); // the tests read the rows the relay would publish and delete
            b.UseSetting("Gateway:BootstrapApiKey", BootstrapSecret);
            b.UseSetting("Services:AlertEvaluation", alertEvaluationUrl);
            b.UseSetting("Services:Delivery", alertEvaluationUrl);
            b.UseSetting("Services:TelemetryIngest", DeadUrl());
            b.UseSetting("Services:TimeoutSeconds", "5");
            // The suite sends far more than a client would with one key; RateLimits/ tests set their own small limit.
            b.UseSetting("RateLimits:ApiKeyPerMinute", "1000000");
            b.ConfigureServices(s => s.AddConsumeObserver(_ => Consumed));
        });

    public static ConsumedMessages Consumed { get; } = new();

    /// A loopback URL nothing listens on: connecting to it is refused at once.
    public static string DeadUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    public static HttpClient Client(string? secret) => Client(Factory, secret);

    public static HttpClient Client(WebApplicationFactory<Program> factory, string? secret)
    {
        var client = factory.CreateClient();
        if (secret is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    public static CatalogDb NewCatalog() =>
        new(new DbContextOptionsBuilder<CatalogDb>()
            .UseNpgsql(Db.ConnectionString, o => o.MigrationsHistoryTable("__ef_migrations_history", CatalogDb.Schema))
            .Options);
}
