using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sentinel.Gateway.Channels;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Channels;

/// The test endpoint against a stand-in for Delivery's internal API on loopback (an edge the Gateway does not own).
public sealed class TestChannelTests
{
    static WebApplication fakeDelivery = null!;
    static WebApplicationFactory<Program> gateway = null!;
    static readonly List<string> Calls = [];
    static int answerStatus = 200;

    [OneTimeSetUp]
    public static async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        fakeDelivery = builder.Build();
        fakeDelivery.MapPost("/internal/tenants/{tenantId:guid}/channels/{channelId:guid}/test", (Guid tenantId, Guid channelId) =>
        {
            lock (Calls)
                Calls.Add($"{tenantId}/{channelId}");
            return answerStatus == 200
                ? Results.Json(new { delivered = false, statusCode = 401, error = "HTTP 401 Unauthorized: invalid_token", durationMs = 42 })
                : Results.StatusCode(answerStatus);
        });
        await fakeDelivery.StartAsync();
        var url = fakeDelivery.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        gateway = Factory.WithWebHostBuilder(b => b.UseSetting("Services:Delivery", url));
    }

    [OneTimeTearDown]
    public static async Task StopAsync()
    {
        await gateway.DisposeAsync();
        await fakeDelivery.DisposeAsync();
    }

    [SetUp]
    public void Reset() => answerStatus = 200;

    [Test]
    public async Task The_test_returns_what_the_receiver_answered_through_Delivery()
    {
        using var api = Client(gateway, BootstrapSecret);
        var channel = await ChannelEndpointsTests.CreateAsync(api);

        var response = await api.PostAsync($"/api/v1/channels/{channel.Id}/test", null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<ChannelTestResponse>())!;
        var tenantId = await TenantOfAsync(channel.Id);
        Assert.Multiple(() =>
        {
            Assert.That(result.Delivered, Is.False);
            Assert.That(result.StatusCode, Is.EqualTo(401));
            Assert.That(result.Error, Does.Contain("invalid_token"));
            lock (Calls)
                Assert.That(Calls, Does.Contain($"{tenantId}/{channel.Id}"));
        });
    }

    [Test]
    public async Task A_channel_Delivery_has_not_received_yet_is_a_conflict()
    {
        answerStatus = 404;
        using var api = Client(gateway, BootstrapSecret);
        var channel = await ChannelEndpointsTests.CreateAsync(api);

        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/channels/{channel.Id}/test", null), HttpStatusCode.Conflict,
            "https://sentinel.dev/problems/conflict");
    }

    [Test]
    public async Task An_unknown_channel_is_not_found()
    {
        using var api = Client(gateway, BootstrapSecret);
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/channels/{Guid.CreateVersion7()}/test", null),
            HttpStatusCode.NotFound, "https://sentinel.dev/problems/not-found");
    }

    [Test]
    public async Task Delivery_down_is_a_503_problem()
    {
        await using var deadDelivery = Factory.WithWebHostBuilder(b => b.UseSetting("Services:Delivery", DeadUrl()));
        using var api = Client(deadDelivery, BootstrapSecret);
        var channel = await ChannelEndpointsTests.CreateAsync(api);

        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/channels/{channel.Id}/test", null),
            HttpStatusCode.ServiceUnavailable, "https://sentinel.dev/problems/dependency-unavailable");
    }

    [Test]
    public async Task A_read_only_key_may_not_send_a_test()
    {
        using var api = Client(gateway, BootstrapSecret);
        var channel = await ChannelEndpointsTests.CreateAsync(api);
        using var reader = Client(gateway, ReadOnlySecret);

        var response = await reader.PostAsync($"/api/v1/channels/{channel.Id}/test", null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    static async Task<Guid> TenantOfAsync(Guid channelId)
    {
        await using var db = NewCatalog();
        return await db.Channels.Where(c => c.Id == channelId).Select(c => c.TenantId).SingleAsync();
    }
}
