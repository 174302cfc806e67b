using System.Security.Cryptography;
using Sentinel.Contracts;
using Sentinel.Delivery.Channels;
using Sentinel.Testing;
using static Sentinel.Delivery.Tests.DeliveryFixture;

namespace Sentinel.Delivery.Tests.Channels;

public sealed class ChannelSecretsTests
{
    static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Test]
    public void Settings_round_trip_and_the_ciphertext_does_not_contain_them()
    {
        var secrets = new ChannelSecrets(NewKey(), []);
        var id = Guid.NewGuid();

        var sealedBytes = secrets.Encrypt(id, """{"botToken":"s3cret"}""");

        Assert.Multiple(() =>
        {
            Assert.That(System.Text.Encoding.UTF8.GetString(sealedBytes), Does.Not.Contain("s3cret"));
            Assert.That(secrets.Decrypt(id, sealedBytes), Is.EqualTo("""{"botToken":"s3cret"}"""));
        });
    }

    [Test]
    public void A_ciphertext_moved_to_another_channel_does_not_decrypt()
    {
        var secrets = new ChannelSecrets(NewKey(), []);
        var sealedBytes = secrets.Encrypt(Guid.NewGuid(), "{}");

        Assert.That(() => secrets.Decrypt(Guid.NewGuid(), sealedBytes), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void After_a_rotation_old_ciphertexts_decrypt_through_the_previous_key_and_reseal_under_the_new()
    {
        var oldKey = NewKey();
        var id = Guid.NewGuid();
        var old = new ChannelSecrets(oldKey, []).Encrypt(id, "{\"a\":1}");
        var rotated = new ChannelSecrets(NewKey(), [oldKey]);

        var resealed = rotated.Encrypt(id, rotated.Decrypt(id, old));

        Assert.Multiple(() =>
        {
            Assert.That(ChannelSecrets.KeyIdOf(old), Is.Not.EqualTo(rotated.CurrentKeyId));
            Assert.That(ChannelSecrets.KeyIdOf(resealed), Is.EqualTo(rotated.CurrentKeyId));
            Assert.That(() => new ChannelSecrets(NewKey(), []).Decrypt(id, old), Throws.InstanceOf<CryptographicException>());
        });
    }

    [Test]
    public async Task A_copied_channel_is_stored_encrypted()
    {
        var channel = await ChannelAsync(ChannelKinds.Slack, new SlackChannelSettings("https://hooks.slack.test/services/s3cret-path"));

        Assert.Multiple(async () =>
        {
            Assert.That(await Database.CountAsync(
                $"select count(*) from delivery.channels where id = '{channel.ChannelId}' and position(convert_to('s3cret', 'UTF8') in settings_cipher) = 0"),
                Is.EqualTo(1));
            Assert.That(await Database.CountAsync(
                $"select count(*) from delivery.channels where id = '{channel.ChannelId}' and settings_key_id = {Secrets.CurrentKeyId}"),
                Is.EqualTo(1));
        });
    }
}
