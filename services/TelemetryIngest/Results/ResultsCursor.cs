using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Sentinel.TelemetryIngest.Results;

/// Keyset position in a newest-first listing: the last row a page returned (results: due time and check id; pings:
/// receipt time and ping id). Opaque to clients so its shape can change; Id breaks ties in the same microsecond.
public sealed record ResultsCursor(DateTimeOffset At, Guid Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{At.UtcTicks}|{Id:N}")));

    public static bool TryDecode(string text, out ResultsCursor? cursor)
    {
        cursor = null;
        if (!Base64Url.IsValid(text))
            return false;
        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('|');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(parts[1], "N", out var checkId))
            return false;
        cursor = new ResultsCursor(new DateTimeOffset(ticks, TimeSpan.Zero), checkId);
        return true;
    }
}
