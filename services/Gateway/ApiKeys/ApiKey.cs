using System.Security.Cryptography;
using System.Text;

namespace Sentinel.Gateway.ApiKeys;

public static class ApiKeyScopes
{
    public const string ReadOnly = "read-only";
    public const string ReadWrite = "read-write";

    public static readonly string[] All = [ReadOnly, ReadWrite];
}

/// A tenant's key. Only the SHA-256 of the secret is kept; the prefix lets a person tell keys apart.
public sealed class ApiKey
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public required string Name { get; init; }
    public required string Prefix { get; init; }
    public required string KeyHash { get; init; }
    public required string Scope { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
}

public static class ApiKeySecret
{
    const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// `sk_` and 40 base62 characters: about 238 bits from the OS's CSPRNG.
    public static string Generate() => "sk_" + RandomNumberGenerator.GetString(Alphabet, 40);

    /// A fast hash is enough: the secret has far too much entropy to brute-force, unlike a password.
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// At most half of the secret, so a short bootstrap secret is never stored whole.
    public static string PrefixOf(string secret) => secret[..Math.Min(8, secret.Length / 2)];
}
