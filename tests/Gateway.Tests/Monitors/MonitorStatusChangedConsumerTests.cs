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

    /// The consumer takes its queue in order, one batch at a time: once a change published after the ones under test
    /// is in the database, those have been handled too. (Consumed messages say nothing here: the live stream consumes
    /// the same events long before a batch of them has been written.)
    async Task AfterTheConsumerHandledAsync(params MonitorStatusChanged[] changes)
    {
        var marker = await MonitorEndpointsTests.CreateAsync(api);
        foreach (var change in changes)
            await bus.Publish(change);
        await bus.Publish(new MonitorStatusChanged(marker.Id, BootstrapApiKey.DefaultTenantId, "up", "new", null, null, DateTimeOffset.UtcNow));
        await Poll.UntilAsync(() => Db.CountAsync($"select count(*) from gateway.monitors where id = '{marker.Id}' and status = 'up'"),
            n => n == 1, TimeSpan.FromSeconds(60), "the marker's status to be copied");
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
        await AfterTheConsumerHandledAsync(older);

        var after = await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}");
        Assert.That(after!.Status, Is.EqualTo("down"));
        Assert.That(after.StatusChangedAt, Is.EqualTo(changedAt));
        Assert.That(await Db.CountAsync($"select version from gateway.monitors where id = '{monitor.Id}'"), Is.EqualTo(1),
            "a status copy is not a configuration change");
    }

    [Test]
    public async Task Of_many_changes_arriving_together_each_monitor_keeps_its_newest()
    {
        var first = await MonitorEndpointsTests.CreateAsync(api);
        var second = await MonitorEndpointsTests.CreateAsync(api);
        var at = new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
        MonitorStatusChanged Change(Guid id, string status, int minute) =>
            new(id, BootstrapApiKey.DefaultTenantId, status, "new", null, null, at.AddMinutes(minute));

        await AfterTheConsumerHandledAsync(
            Change(first.Id, "down", 1), Change(first.Id, "up", 2), Change(second.Id, "down", 1), Change(first.Id, "down", 0),
            Change(second.Id, "up", 3), Change(first.Id, "down", 2));

        var firstNow = await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{first.Id}");
        var secondNow = await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{second.Id}");
        Assert.That((firstNow!.Status, firstNow.StatusChangedAt), Is.EqualTo(("up", (DateTimeOffset?)at.AddMinutes(2))),
            "the newest wins, and of two at the same instant the first one");
        Assert.That((secondNow!.Status, secondNow.StatusChangedAt), Is.EqualTo(("up", (DateTimeOffset?)at.AddMinutes(3))));
    }

    [Test]
    public async Task A_paused_monitor_shows_paused_whatever_status_arrives()
    {
        var monitor = await MonitorEndpointsTests.CreateAsync(api);
        await api.PostAsync($"/api/v1/monitors/{monitor.Id}/pause", null);
        var up = new MonitorStatusChanged(monitor.Id, BootstrapApiKey.DefaultTenantId, "up", "new", null, null, DateTimeOffset.UtcNow);

        await AfterTheConsumerHandledAsync(up);

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

        await AfterTheConsumerHandledAsync(unknown, wrongTenant);

        Assert.That(consumed.FaultsFor<MonitorStatusChanged>(m => m.MonitorId == unknown.MonitorId || m.MonitorId == wrongTenant.MonitorId), Is.Empty);
        Assert.That((await api.GetFromJsonAsync<MonitorResponse>($"/api/v1/monitors/{monitor.Id}"))!.Status, Is.EqualTo("new"));
    }
}
