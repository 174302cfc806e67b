using System.Buffers.Text;
using System.Security.Cryptography;

namespace Sentinel.Gateway.Heartbeats;

/// The secrets in ping URLs: 128 random bits as 22 base64url characters (the same strength as Healthchecks.io's
/// UUIDs), so a token cannot be guessed and fits a URL segment as it is.
public static class PingTokens
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
