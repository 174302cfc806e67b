using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;
using Sentinel.Delivery.Channels;
using Sentinel.Testing;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Channels;

public sealed class ChannelCopyTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    static ChannelUpserted Upserted(Guid channelId, Guid tenantId, long version, string name) =>
        new(channelId, tenantId, version, name, "webhook",
            new WebhookChannelSettings($"https://hooks.example/{name}", new Dictionary<string, string> { ["Authorization"] = "Bearer x" }),
            DateTimeOffset.UtcNow);

    static Task<Channel?> StoredAsync(Guid channelId) =>
        QueryAsync(db => db.Channels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == channelId));

    static Task WaitConsumedAsync<T>(Func<T, bool> match, int count, string what) =>
        Poll.UntilAsync(() => Task.FromResult(Bus.Consumed<T>().Count(match)), n => n >= count, Timeout, what);

    [Test]
    public async Task An_upsert_is_copied_with_its_webhook_settings()
    {
        var upserted = Upserted(Guid.NewGuid(), Guid.NewGuid(), 1, "ops");

        await PublishAsync(upserted);

        var stored = await Poll.UntilAsync(() => StoredAsync(upserted.ChannelId), c => c is not null, Timeout, "the copy");
        var settings = stored!.ToTarget(Secrets).ReadSettings<WebhookChannelSettings>();
        Assert.Multiple(() =>
        {
            Assert.That(stored.TenantId, Is.EqualTo(upserted.TenantId));
            Assert.That(stored.Version, Is.EqualTo(1));
            Assert.That(stored.Name, Is.EqualTo("ops"));
            Assert.That(stored.Type, Is.EqualTo("webhook"));
            Assert.That(stored.Deleted, Is.False);
            Assert.That(settings!.Url, Is.EqualTo("https://hooks.example/ops"));
            Assert.That(settings.Headers["Authorization"], Is.EqualTo("Bearer x"));
        });
    }

    [Test]
    public async Task An_older_version_arriving_late_is_ignored()
    {
        var channelId = Guid.NewGuid();
        var tenantId = Guid.NewGuid();

        await PublishAsync(Upserted(channelId, tenantId, 2, "newer"));
        await Poll.UntilAsync(() => StoredAsync(channelId), c => c is not null, Timeout, "version 2");
        await PublishAsync(Upserted(channelId, tenantId, 1, "older"));
        await WaitConsumedAsync<ChannelUpserted>(m => m.ChannelId == channelId, 2, "both upserts to be consumed");

        var stored = await StoredAsync(channelId);
        Assert.Multiple(() =>
        {
            Assert.That(stored!.Version, Is.EqualTo(2));
            Assert.That(stored.Name, Is.EqualTo("newer"));
        });
    }

    [Test]
    public async Task A_delete_that_overtakes_its_upsert_leaves_a_tombstone_the_upsert_cannot_revive()
    {
        var channelId = Guid.NewGuid();
        var tenantId = Guid.NewGuid();

        await PublishAsync(new ChannelDeleted(channelId, tenantId, 3, DateTimeOffset.UtcNow));
        await Poll.UntilAsync(() => StoredAsync(channelId), c => c is not null, Timeout, "the tombstone");
        await PublishAsync(Upserted(channelId, tenantId, 2, "late"));
        await WaitConsumedAsync<ChannelUpserted>(m => m.ChannelId == channelId, 1, "the late upsert to be consumed");

        var stored = await StoredAsync(channelId);
        Assert.Multiple(() =>
        {
            Assert.That(stored!.Deleted, Is.True);
            Assert.That(stored.Version, Is.EqualTo(3));
            Assert.That(stored.SettingsCipher, Is.Null);
        });
    }

    [Test]
    public async Task A_delete_after_an_upsert_drops_the_settings_and_a_redelivered_delete_changes_nothing()
    {
        var channelId = Guid.NewGuid();
        var tenantId = Guid.NewGuid();
        await PublishAsync(Upserted(channelId, tenantId, 1, "ops"));
        await Poll.UntilAsync(() => StoredAsync(channelId), c => c is not null, Timeout, "the copy");
        var deleted = new ChannelDeleted(channelId, tenantId, 2, DateTimeOffset.UtcNow);

        await PublishAsync(deleted);
        await PublishAsync(deleted);
        await WaitConsumedAsync<ChannelDeleted>(m => m.ChannelId == channelId, 2, "both deletes to be consumed");

        var stored = await StoredAsync(channelId);
        Assert.Multiple(() =>
        {
            Assert.That(stored!.Deleted, Is.True);
            Assert.That(stored.Version, Is.EqualTo(2));
            Assert.That(stored.Name, Is.EqualTo("ops"));
            Assert.That(stored.SettingsCipher, Is.Null);
        });
    }
}
