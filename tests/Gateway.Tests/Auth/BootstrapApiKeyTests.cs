using System.Net;
using Microsoft.AspNetCore.Hosting;
using Sentinel.Gateway.ApiKeys;
using Sentinel.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Auth;

public sealed class BootstrapApiKeyTests
{
    [Test]
    public async Task Two_replicas_starting_together_create_the_bootstrap_key_once()
    {
        const string secret = "sk_test_second_bootstrap_000000000000000000";
        await using var first = CreateFactory(Alerting.Url).WithWebHostBuilder(b => b.UseSetting("Gateway:BootstrapApiKey", secret));
        await using var second = CreateFactory(Alerting.Url).WithWebHostBuilder(b => b.UseSetting("Gateway:BootstrapApiKey", secret));

        var clients = await Task.WhenAll(Task.Run(() => Client(first, secret)), Task.Run(() => Client(second, secret)));
        foreach (var client in clients)
            await Poll.UntilAsync(() => client.GetAsync("/api/v1/monitors"), r => r.StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30), "the second bootstrap key");

        Assert.That(await Db.CountAsync($"select count(*) from gateway.api_keys where key_hash = '{ApiKeySecret.Hash(secret)}'"), Is.EqualTo(1));
        Assert.That(await Db.CountAsync("select count(*) from gateway.tenants where name = 'default'"), Is.EqualTo(1));
        foreach (var client in clients)
            client.Dispose();
    }
}
