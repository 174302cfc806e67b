using System.Security.Cryptography;
using System.Text;

namespace Sentinel.Contracts;

/// Name-based ids (RFC 9562 version 8 over SHA-256): the same inputs always give the same id, which is what makes
/// a redelivered or re-dispatched message collide with its first copy.
public static class DeterministicGuid
{
    public static Guid Create(params object[] parts)
    {
        var text = string.Join('|', parts.Select(p => p switch
        {
            DateTimeOffset t => t.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture),
        }));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        var bytes = hash[..16].ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }

    public static Guid ForCheck(Guid monitorId, DateTimeOffset dueAt) => Create("check", monitorId, dueAt);

    /// One location's check of a multi-location round.
    public static Guid ForCheck(Guid monitorId, DateTimeOffset dueAt, string location) => Create("check", monitorId, dueAt, location);

    /// The round: every location's check of one monitor for one due time.
    public static Guid ForRound(Guid monitorId, DateTimeOffset dueAt) => Create("round", monitorId, dueAt);

    public static Guid ForNotification(Guid incidentId, string @event, Guid channelId) =>
        Create("notification", incidentId, @event, channelId);
}
