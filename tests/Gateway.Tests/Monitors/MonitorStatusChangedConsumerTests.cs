using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.Gateway.Monitors;
using Sentinel.Gateway.Tenants;
using Sentinel.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Monitors;

/// Through the real broker: publish on the factory's bus, then read the monitor back over HTTP.
public sealed class MonitorStatusChangedConsumerTests
{
    HttpClient api = null!;
    IBus bus = null!;
    ConsumedMessages consumed = null!;

    [SetUp]
    public void Connect()
    {
        api = Client(BootstrapSecret);
        bus = Factory.Services.GetRequiredService<IBus>();
        consumed = Consumed;
    }

    [TearDown]
    public void Disconnect()
    {
        api.Dispose();
    }

    [Test]
    public async Task A_newer_status_is_copied_and_an_older_one_does_not_overwrite_it()
    {
        var monitor = await MonitorEndpointsTests.CreateAsync(api);
        var changedAt = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var down = new MonitorStatusChanged(monitor.Id, BootstrapApiKey.DefaultTenantId, "down", "new", Guid.CreateVersion7(), "HTTP 503", changedAt);

        // Re-publishing while polling is harmless (the consumer is idempotent) and covers a queue still being bound.
        var seen = await Poll.UntilAsync(async () =>
        {
            await bus.Publish(down);
            return await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}");
        }, m => m!.Status == "down", TimeSpan.FromSeconds(30), "the status to be copied");
        Assert.That(seen!.StatusChangedAt, Is.EqualTo(changedAt));

        var older = down with { Status = "up", PreviousStatus = "down", ChangedAt = changedAt.AddMinutes(-1) };
        await bus.Publish(older);
        await consumed.WaitForAsync<MonitorStatusChanged>(m => m.ChangedAt == older.ChangedAt && m.MonitorId == monitor.Id);

        var after = await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}");
        Assert.That(after!.Status, Is.EqualTo("down"));
        Assert.That(after.StatusChangedAt, Is.EqualTo(changedAt));
        Assert.That(await Db.CountAsync($"select version from gateway.monitors where id = '{monitor.Id}'"), Is.EqualTo(1),
            "a status copy is not a configuration change");
    }

    [Test]
    public async Task A_paused_monitor_shows_paused_whatever_status_arrives()
    {
        var monitor = await MonitorEndpointsTests.CreateAsync(api);
        await api.PostAsync($"/api/v1/monitors/{monitor.Id}/pause", null);
        var up = new MonitorStatusChanged(monitor.Id, BootstrapApiKey.DefaultTenantId, "up", "new", null, null, DateTimeOffset.UtcNow);

        await bus.Publish(up);
        await consumed.WaitForAsync<MonitorStatusChanged>(m => m.MonitorId == monitor.Id);

        Assert.That((await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}"))!.Status, Is.EqualTo("paused"));
        var resumed = await api.PostAsync($"/api/v1/monitors/{monitor.Id}/resume", null);
        Assert.That((await resumed.Content.ReadFromJsonAsync<MonitorResponse>())!.Status, Is.EqualTo("up"));
    }

    [Test]
    public async Task A_status_for_an_unknown_monitor_or_the_wrong_tenant_is_ignored_without_a_fault()
    {
        var monitor = await MonitorEndpointsTests.CreateAsync(api);
        var unknown = new MonitorStatusChanged(Guid.CreateVersion7(), BootstrapApiKey.DefaultTenantId, "down", "new", null, null, DateTimeOffset.UtcNow);
        var wrongTenant = new MonitorStatusChanged(monitor.Id, OtherTenantId, "down", "new", null, null, DateTimeOffset.UtcNow);

        await bus.Publish(unknown);
        await bus.Publish(wrongTenant);
        await consumed.WaitForAsync<MonitorStatusChanged>(m => m.MonitorId == unknown.MonitorId);
        await consumed.WaitForAsync<MonitorStatusChanged>(m => m.MonitorId == monitor.Id);

        Assert.That(consumed.FaultsFor<MonitorStatusChanged>(m => m.MonitorId == unknown.MonitorId || m.MonitorId == wrongTenant.MonitorId), Is.Empty);
        Assert.That((await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}"))!.Status, Is.EqualTo("new"));
    }
}
