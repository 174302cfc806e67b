using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Ingest;

/// Writes rows in PostgreSQL's binary COPY format straight into a stream: results in the column order of
/// PingResultWriter.Columns, heartbeat pings in that of HeartbeatPingWriter's COPY. Npgsql's row-by-row importer
/// resolves a converter and awaits once per field, which made the client side of a COPY cost more CPU than
/// PostgreSQL's side of it; encoding the columns by hand into one pooled buffer costs a fraction of that. The format:
/// https://www.postgresql.org/docs/current/sql-copy.html
static class CopyEncoder
{
    const int BufferSize = 64 * 1024;
    const int ResultFields = 11;
    const int MaxFixedResultSize = 2 + 3 * (4 + 16) + 2 * (4 + 1) + (4 + 4) + (4 + 8) + 2 * (4 + 8) + 2 * 4;
    const int PingFields = 14;
    const int MaxFixedPingSize = 2 + 4 * (4 + 16) + (4 + 8) + (4 + 1) + (4 + 4) + (4 + 8) + 6 * 4;

    /// The signature "PGCOPY\n\377\r\n\0", then no flags and no header extension.
    static ReadOnlySpan<byte> Header => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// Microseconds are counted from 2000-01-01 UTC in PostgreSQL's timestamptz.
    static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    delegate int RowSize<T>(T row);
    delegate int RowEncoder<T>(Span<byte> span, T row);

    public static Task WriteAsync(Stream stream, IEnumerable<MonitorChecked> results, CancellationToken ct) =>
        WriteAsync(stream, results, ResultSize, EncodeResult, ct);

    /// Text columns are written as given: the caller replaces what PostgreSQL's text cannot hold (NUL).
    public static Task WriteAsync(Stream stream, IEnumerable<HeartbeatPing> pings, CancellationToken ct) =>
        WriteAsync(stream, pings, PingSize, EncodePing, ct);

    static async Task WriteAsync<T>(Stream stream, IEnumerable<T> rows, RowSize<T> maxSize, RowEncoder<T> encode, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var at = 0;
            Header.CopyTo(buffer);
            at += Header.Length;
            foreach (var row in rows)
            {
                var needed = maxSize(row);
                if (at + needed > buffer.Length)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, at), ct);
                    at = 0;
                    if (needed > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(needed);
                    }
                }
                at += encode(buffer.AsSpan(at), row);
            }
            if (at + 2 > buffer.Length)
            {
                await stream.WriteAsync(buffer.AsMemory(0, at), ct);
                at = 0;
            }
            BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(at), -1); // end of data
            at += 2;
            await stream.WriteAsync(buffer.AsMemory(0, at), ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static string? Location(MonitorChecked r) => string.IsNullOrEmpty(r.Location) ? null : r.Location;

    static int ResultSize(MonitorChecked r) => MaxFixedResultSize + Utf8Length(r.Error) + Utf8Length(Location(r));

    static int PingSize(HeartbeatPing p) => MaxFixedPingSize + Utf8Length(p.Kind) + Utf8Length(p.Method) + Utf8Length(p.SourceIp)
        + Utf8Length(p.UserAgent) + Utf8Length(p.Body) + Utf8Length(p.Message);

    static int Utf8Length(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    static int EncodeResult(Span<byte> span, MonitorChecked r)
    {
        var at = 0;
        BinaryPrimitives.WriteInt16BigEndian(span, ResultFields);
        at += 2;
        at += Uuid(span[at..], r.CheckId);
        at += Uuid(span[at..], r.MonitorId);
        at += Uuid(span[at..], r.TenantId);
        at += Bool(span[at..], r.Up);
        at += Int(span[at..], r.StatusCode);
        at += Double(span[at..], r.LatencyMs);
        at += Text(span[at..], r.Error);
        at += Timestamp(span[at..], r.DueAt);
        at += Timestamp(span[at..], r.CheckedAt);
        at += Text(span[at..], Location(r));
        at += Bool(span[at..], r.Unknown);
        return at;
    }

    static int EncodePing(Span<byte> span, HeartbeatPing p)
    {
        var at = 0;
        BinaryPrimitives.WriteInt16BigEndian(span, PingFields);
        at += 2;
        at += Uuid(span[at..], p.PingId);
        at += Uuid(span[at..], p.MonitorId);
        at += Uuid(span[at..], p.TenantId);
        at += Text(span[at..], p.Kind);
        at += Timestamp(span[at..], p.ReceivedAt);
        at += Text(span[at..], p.Method);
        at += Text(span[at..], p.SourceIp);
        at += Text(span[at..], p.UserAgent);
        at += Text(span[at..], p.Body);
        at += Bool(span[at..], p.BodyTruncated);
        at += Int(span[at..], p.ExitStatus);
        at += p.RunId is { } run ? Uuid(span[at..], run) : Null(span[at..]);
        at += Text(span[at..], p.Message);
        at += p.ReportedLatencyMs is { } latency ? Double(span[at..], latency) : Null(span[at..]);
        return at;
    }

    static int Uuid(Span<byte> span, Guid value)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, 16);
        value.TryWriteBytes(span[4..], bigEndian: true, out _); // RFC 4122 byte order, as uuid_recv reads it
        return 20;
    }

    static int Bool(Span<byte> span, bool value)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
        return 5;
    }

    static int Int(Span<byte> span, int? value)
    {
        if (value is not { } v)
            return Null(span);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], v);
        return 8;
    }

    static int Double(Span<byte> span, double value)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteDoubleBigEndian(span[4..], value);
        return 12;
    }

    static int Null(Span<byte> span)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, -1);
        return 4;
    }

    static int Text(Span<byte> span, string? value)
    {
        if (value is null)
            return Null(span);
        var length = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        return 4 + length;
    }

    // Ticks are 100 ns: whole microseconds, as Npgsql sends them (the sender's offset carries no meaning).
    static int Timestamp(Span<byte> span, DateTimeOffset value)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], (value.UtcTicks - PostgresEpochTicks) / 10);
        return 12;
    }
}
