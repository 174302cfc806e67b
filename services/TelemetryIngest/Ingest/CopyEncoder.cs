using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Sentinel.Contracts;

namespace Sentinel.TelemetryIngest.Ingest;

/// Writes results in PostgreSQL's binary COPY format straight into a stream, in the column order of
/// PingResultWriter.Columns. Npgsql's row-by-row importer resolves a converter and awaits once per field, which made
/// the client side of a COPY cost more CPU than PostgreSQL's side of it; encoding the 11 fixed columns by hand into
/// one pooled buffer costs a fraction of that. The format: https://www.postgresql.org/docs/current/sql-copy.html
static class CopyEncoder
{
    const int FieldCount = 11;
    const int BufferSize = 64 * 1024;
    const int MaxFixedRowSize = 2 + 3 * (4 + 16) + 2 * (4 + 1) + (4 + 4) + (4 + 8) + 2 * (4 + 8) + 2 * 4;

    /// The signature "PGCOPY\n\377\r\n\0", then no flags and no header extension.
    static ReadOnlySpan<byte> Header => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// Microseconds are counted from 2000-01-01 UTC in PostgreSQL's timestamptz.
    static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    public static async Task WriteAsync(Stream stream, IEnumerable<MonitorChecked> results, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var at = 0;
            Header.CopyTo(buffer);
            at += Header.Length;
            foreach (var r in results)
            {
                var location = string.IsNullOrEmpty(r.Location) ? null : r.Location;
                var needed = MaxFixedRowSize + Utf8Length(r.Error) + Utf8Length(location);
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
                at += EncodeRow(buffer.AsSpan(at), r, location);
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

    static int Utf8Length(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    static int EncodeRow(Span<byte> span, MonitorChecked r, string? location)
    {
        var at = 0;
        BinaryPrimitives.WriteInt16BigEndian(span, FieldCount);
        at += 2;
        at += Uuid(span[at..], r.CheckId);
        at += Uuid(span[at..], r.MonitorId);
        at += Uuid(span[at..], r.TenantId);
        at += Bool(span[at..], r.Up);
        if (r.StatusCode is { } status)
        {
            BinaryPrimitives.WriteInt32BigEndian(span[at..], 4);
            BinaryPrimitives.WriteInt32BigEndian(span[(at + 4)..], status);
            at += 8;
        }
        else
            at += Null(span[at..]);
        BinaryPrimitives.WriteInt32BigEndian(span[at..], 8);
        BinaryPrimitives.WriteDoubleBigEndian(span[(at + 4)..], r.LatencyMs);
        at += 12;
        at += Text(span[at..], r.Error);
        at += Timestamp(span[at..], r.DueAt);
        at += Timestamp(span[at..], r.CheckedAt);
        at += Text(span[at..], location);
        at += Bool(span[at..], r.Unknown);
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
