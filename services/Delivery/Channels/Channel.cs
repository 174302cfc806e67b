using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.Delivery.Channels;

/// Delivery's copy of a catalog channel, kept current by ChannelUpserted and ChannelDeleted. Version orders the
/// events; a deleted channel stays as a tombstone carrying the delete's version, so a late upsert cannot revive it.
public sealed class Channel
{
    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public long Version { get; private set; }
    public string Name { get; private set; } = "";
    public string Type { get; private set; } = "";
    /// The kind's own settings as JSON (for a webhook: WebhookChannelSettings). Null once deleted.
    public string? Settings { get; private set; }
    public bool Deleted { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static Channel From(ChannelUpserted upserted, DateTimeOffset now)
    {
        var channel = new Channel { Id = upserted.ChannelId, TenantId = upserted.TenantId };
        channel.Set(upserted, now);
        return channel;
    }

    public static Channel Tombstone(ChannelDeleted deleted, DateTimeOffset now) =>
        new()
        {
            Id = deleted.ChannelId,
            TenantId = deleted.TenantId,
            Version = deleted.Version,
            Deleted = true,
            UpdatedAt = now,
        };

    /// False when the event is not newer than what is stored: a redelivery, or overtaken by a later change.
    public bool Apply(ChannelUpserted upserted, DateTimeOffset now)
    {
        if (upserted.Version <= Version)
            return false;
        Set(upserted, now);
        return true;
    }

    public bool Apply(ChannelDeleted deleted, DateTimeOffset now)
    {
        if (deleted.Version <= Version)
            return false;
        Version = deleted.Version;
        Deleted = true;
        Settings = null; // settings may hold secrets (webhook headers); a deleted channel needs none
        UpdatedAt = now;
        return true;
    }

    public T? ReadSettings<T>() where T : class =>
        Settings is null ? null : JsonSerializer.Deserialize<T>(Settings, JsonSerializerOptions.Web);

    void Set(ChannelUpserted upserted, DateTimeOffset now)
    {
        Version = upserted.Version;
        Name = upserted.Name;
        Type = upserted.Type;
        Settings = upserted.Webhook is null ? null : JsonSerializer.Serialize(upserted.Webhook, JsonSerializerOptions.Web);
        Deleted = false;
        UpdatedAt = now;
    }
}

sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> e)
    {
        e.ToTable("channels");
        e.HasKey(c => c.Id);
        e.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(c => c.TenantId).HasColumnName("tenant_id");
        // Two versions of one channel applied at once: the loser's UPDATE matches no row, it retries and then sees
        // the winner's version.
        e.Property(c => c.Version).HasColumnName("version").IsConcurrencyToken();
        e.Property(c => c.Name).HasColumnName("name");
        e.Property(c => c.Type).HasColumnName("type");
        e.Property(c => c.Settings).HasColumnName("settings").HasColumnType("jsonb");
        e.Property(c => c.Deleted).HasColumnName("deleted");
        e.Property(c => c.UpdatedAt).HasColumnName("updated_at");
    }
}
