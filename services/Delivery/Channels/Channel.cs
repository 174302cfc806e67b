using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.Delivery.Channels;

/// Delivery's copy of a catalog channel, kept current by ChannelUpserted and ChannelDeleted. Version orders the
/// events; a deleted channel stays as a tombstone carrying the delete's version, so a late upsert cannot revive it.
/// The settings are stored only encrypted (ChannelSecrets): they hold tokens, passwords and secret URLs.
public sealed class Channel
{
    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public long Version { get; private set; }
    public string Name { get; private set; } = "";
    public string Type { get; private set; } = "";
    /// The kind's settings JSON, encrypted. Null once deleted.
    public byte[]? SettingsCipher { get; private set; }
    /// Which key encrypted SettingsCipher, so a key rotation can find the rows still under an old key.
    public int? SettingsKeyId { get; private set; }
    public bool Deleted { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static Channel From(ChannelUpserted upserted, ChannelSecrets secrets, DateTimeOffset now)
    {
        var channel = new Channel { Id = upserted.ChannelId, TenantId = upserted.TenantId };
        channel.Set(upserted, secrets, now);
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
    public bool Apply(ChannelUpserted upserted, ChannelSecrets secrets, DateTimeOffset now)
    {
        if (upserted.Version <= Version)
            return false;
        Set(upserted, secrets, now);
        return true;
    }

    public bool Apply(ChannelDeleted deleted, DateTimeOffset now)
    {
        if (deleted.Version <= Version)
            return false;
        Version = deleted.Version;
        Deleted = true;
        SettingsCipher = null; // a deleted channel needs no secrets
        SettingsKeyId = null;
        UpdatedAt = now;
        return true;
    }

    public ChannelTarget ToTarget(ChannelSecrets secrets) =>
        new(Id, TenantId, Name, Type, SettingsCipher is null ? "{}" : secrets.Decrypt(Id, SettingsCipher));

    /// Re-encrypts under the current key (key rotation).
    public void Reseal(ChannelSecrets secrets)
    {
        if (SettingsCipher is null)
            return;
        SettingsCipher = secrets.Encrypt(Id, secrets.Decrypt(Id, SettingsCipher));
        SettingsKeyId = secrets.CurrentKeyId;
    }

    /// The kind's settings: SettingsJson from a current Gateway, else the webhook shape older Gateways send.
    public static string SettingsOf(ChannelUpserted upserted) =>
        upserted.SettingsJson
        ?? (upserted.Webhook is null ? "{}" : JsonSerializer.Serialize(upserted.Webhook, JsonSerializerOptions.Web));

    void Set(ChannelUpserted upserted, ChannelSecrets secrets, DateTimeOffset now)
    {
        Version = upserted.Version;
        Name = upserted.Name;
        Type = upserted.Type;
        SettingsCipher = secrets.Encrypt(Id, SettingsOf(upserted));
        SettingsKeyId = secrets.CurrentKeyId;
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
        e.Property(c => c.SettingsCipher).HasColumnName("settings_cipher");
        e.Property(c => c.SettingsKeyId).HasColumnName("settings_key_id");
        e.Property(c => c.Deleted).HasColumnName("deleted");
        e.Property(c => c.UpdatedAt).HasColumnName("updated_at");
    }
}
