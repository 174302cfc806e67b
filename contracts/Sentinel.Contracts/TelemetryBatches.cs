using MessagePack;
using MessagePack.Resolvers;

namespace Sentinel.Contracts;

/// Many check results in one message, for producers with thousands of results per second: the broker then carries
/// one message per batch instead of one per result (MassTransit tops out near 9,000 messages/s on a 2-core box).
/// Telemetry-Ingest stores it exactly like MonitorChecked; each result's CheckId keeps redelivery harmless, BatchId
/// only traces. The Checker now publishes MonitorCheckedPacked; this shape stays consumed for older producers.
public sealed record MonitorCheckedBatch(Guid BatchId, IReadOnlyList<MonitorChecked> Results);

/// The same results as MonitorCheckedBatch, what the Checker publishes: Results is the MonitorChecked list as
/// MessagePack (PackedResults), so the JSON envelope carries one base64 string instead of hundreds of objects —
/// MassTransit's envelope JSON cost more CPU than storing the results. Count is the number of results in it (a check
/// against a truncated body, and a size a tool can read without unpacking). Every consumer of MonitorCheckedBatch
/// consumes this too, with the same semantics.
public sealed record MonitorCheckedPacked(Guid BatchId, int Count, byte[] Results)
{
    public static MonitorCheckedPacked Pack(Guid batchId, IReadOnlyList<MonitorChecked> results) =>
        new(batchId, results.Count, PackedResults.Pack(results));

    public IReadOnlyList<MonitorChecked> Unpack()
    {
        var results = PackedResults.Unpack(Results);
        if (results.Length != Count)
            throw new InvalidDataException($"MonitorCheckedPacked {BatchId} says {Count} results but holds {results.Length}.");
        return results;
    }
}

/// The encoding of MonitorCheckedPacked.Results, in one place so that every producer and consumer agrees.
/// MessagePack-CSharp's contractless resolver writes each record as a map keyed by property name, so contracts keep
/// evolving additively without attributes: a new optional trailing member is a new key that older readers skip, and
/// a key missing from an older writer's body leaves the member at its default. LZ4 (block array) shrinks the body to
/// a third of plain MessagePack, a sixth of the JSON (the property names repeat in every result), for less CPU than
/// it saves in base64 and broker bytes.
/// DateTimeOffset keeps its ticks and offset. Bodies come from the broker, so they are read as untrusted data
/// (depth limits, collision-resistant hashing).
public static class PackedResults
{
    public static byte[] Pack(IReadOnlyList<MonitorChecked> results) =>
        MessagePackSerializer.Serialize(results, PackedEncoding.Options);

    public static MonitorChecked[] Unpack(ReadOnlyMemory<byte> packed) =>
        MessagePackSerializer.Deserialize<MonitorChecked[]>(packed, PackedEncoding.Options);
}

/// The MessagePack options of every packed body (MonitorCheckedPacked, HeartbeatsPacked): one encoding, described above.
static class PackedEncoding
{
    internal static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(ContractlessStandardResolver.Instance)
        .WithCompression(MessagePackCompression.Lz4BlockArray)
        .WithSecurity(MessagePackSecurity.UntrustedData);
}
