namespace Sentinel.Scheduler.Schedules;

/// Each monitor checks on a grid of its own: the instants offset + k × interval (Unix milliseconds), where the
/// offset is a stable hash of the monitor id. Ten thousand monitors with one interval therefore fall evenly across
/// that interval instead of into the same second, and a monitor keeps its slot across restarts and replicas.
public static class Spread
{
    public static long OffsetMs(Guid monitorId, long intervalMs)
    {
        Span<byte> bytes = stackalloc byte[16];
        monitorId.TryWriteBytes(bytes);
        // Version-7 ids begin with a timestamp, so mix all 128 bits (splitmix64 finaliser) before taking the modulo.
        var z = BitConverter.ToUInt64(bytes[..8]) ^ BitConverter.ToUInt64(bytes[8..]);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (long)(z % (ulong)intervalMs);
    }

    /// The first slot of the monitor's grid strictly after `after`.
    public static DateTimeOffset NextSlot(Guid monitorId, int intervalSeconds, DateTimeOffset after)
    {
        var intervalMs = Math.Max(1, intervalSeconds) * 1000L;
        var offset = OffsetMs(monitorId, intervalMs);
        var k = Math.Floor((double)(after.ToUnixTimeMilliseconds() - offset) / intervalMs) + 1;
        return DateTimeOffset.FromUnixTimeMilliseconds(offset + (long)k * intervalMs);
    }

    public static TimeSpan HalfInterval(int intervalSeconds) => TimeSpan.FromSeconds(Math.Max(1, intervalSeconds)) / 2;
}
