using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Sentinel.Delivery.Channels;

/// Encrypts channel settings at rest with AES-256-GCM. Every channel's settings are encrypted whole, because for most
/// kinds the URL is itself the secret (a Slack or Discord webhook URL).
///
/// Layout: version (1 byte, = 1) | key id (4 bytes) | nonce (12) | tag (16) | ciphertext. The channel id is the
/// associated data, so a ciphertext copied onto another channel's row does not decrypt. The key id is the first four
/// bytes of SHA-256 over the key: rotation puts the new key in `Delivery:SecretKey` and the old one in
/// `Delivery:PreviousSecretKeys`; SecretRotation re-encrypts old rows at start-up, after which the old key can go.
public sealed class ChannelSecrets
{
    /// Used only when no key is configured, with a warning at start-up: fine on a laptop, never in production.
    public const string DevelopmentKey = "c2VudGluZWwtZGV2ZWxvcG1lbnQta2V5LTMyLWJ5dGU=";

    const byte FormatVersion = 1;
    const int HeaderLength = 1 + 4 + 12 + 16;

    readonly byte[] currentKey;
    readonly Dictionary<int, byte[]> keys = [];

    public ChannelSecrets(string currentKeyBase64, IEnumerable<string> previousKeysBase64)
    {
        currentKey = Parse(currentKeyBase64, "Delivery:SecretKey");
        CurrentKeyId = KeyId(currentKey);
        keys[CurrentKeyId] = currentKey;
        foreach (var previous in previousKeysBase64)
        {
            var key = Parse(previous, "Delivery:PreviousSecretKeys");
            keys.TryAdd(KeyId(key), key);
        }
    }

    public int CurrentKeyId { get; }

    public static ChannelSecrets FromConfiguration(IConfiguration configuration, ILogger log)
    {
        var current = configuration["Delivery:SecretKey"];
        if (string.IsNullOrWhiteSpace(current))
        {
            log.LogWarning("Delivery:SecretKey is not set: channel secrets are encrypted with the built-in development key");
            current = DevelopmentKey;
        }
        var previous = configuration.GetSection("Delivery:PreviousSecretKeys").Get<string[]>() ?? [];
        return new ChannelSecrets(current, previous);
    }

    public byte[] Encrypt(Guid channelId, string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[HeaderLength + plain.Length];
        output[0] = FormatVersion;
        BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(1, 4), CurrentKeyId);
        var nonce = output.AsSpan(5, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(currentKey, 16);
        aes.Encrypt(nonce, plain, output.AsSpan(HeaderLength), output.AsSpan(17, 16), channelId.ToByteArray());
        return output;
    }

    public string Decrypt(Guid channelId, byte[] sealedBytes)
    {
        if (sealedBytes.Length < HeaderLength || sealedBytes[0] != FormatVersion)
            throw new CryptographicException("channel settings are not in a known encrypted format");
        var keyId = KeyIdOf(sealedBytes);
        if (!keys.TryGetValue(keyId, out var key))
            throw new CryptographicException(
                $"channel settings were encrypted with key {keyId:x8}, which is neither Delivery:SecretKey nor in Delivery:PreviousSecretKeys");
        var plain = new byte[sealedBytes.Length - HeaderLength];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(sealedBytes.AsSpan(5, 12), sealedBytes.AsSpan(HeaderLength), sealedBytes.AsSpan(17, 16), plain,
            channelId.ToByteArray());
        return Encoding.UTF8.GetString(plain);
    }

    public static int KeyIdOf(byte[] sealedBytes) => BinaryPrimitives.ReadInt32BigEndian(sealedBytes.AsSpan(1, 4));

    static int KeyId(byte[] key) => BinaryPrimitives.ReadInt32BigEndian(SHA256.HashData(key).AsSpan(0, 4));

    static byte[] Parse(string base64, string setting)
    {
        var key = Convert.TryFromBase64String(base64.Trim(), new byte[64], out var written)
            ? Convert.FromBase64String(base64.Trim())
            : throw new InvalidOperationException($"{setting} must be base64");
        return written == 32 ? key : throw new InvalidOperationException($"{setting} must be 32 bytes (base64 of 32 random bytes)");
    }
}
