using System.Buffers.Text;

namespace Sentinel.Gateway.Api;

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// Keyset paging over time-ordered (version 7) ids: the cursor is the last id seen, base64url-encoded, so pages stay
/// stable while rows are added.
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static Dictionary<string, string[]> Validate(int? limit, string? cursor, out int take, out Guid? after)
    {
        var errors = new Dictionary<string, string[]>();
        take = limit ?? DefaultLimit;
        after = null;
        if (take is < 1 or > MaxLimit)
            errors["limit"] = [$"Limit must be between 1 and {MaxLimit}."];
        if (cursor is not null)
        {
            if (TryDecode(cursor, out var id))
                after = id;
            else
                errors["cursor"] = ["Cursor is not one this API returned."];
        }
        return errors;
    }

    /// Limits and cursors of lists another service pages: only the limit is checked here.
    public static Dictionary<string, string[]> ValidateLimit(int? limit)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxLimit)
            errors["limit"] = [$"Limit must be between 1 and {MaxLimit}."];
        return errors;
    }

    public static string Encode(Guid id) => Base64Url.EncodeToString(id.ToByteArray(bigEndian: true));

    static bool TryDecode(string cursor, out Guid id)
    {
        id = Guid.Empty;
        Span<byte> bytes = stackalloc byte[16];
        if (cursor.Length != 22 || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != 16)
            return false;
        id = new Guid(bytes, bigEndian: true);
        return true;
    }

    /// Takes one row more than asked to know whether another page follows.
    public static Page<TOut> ToPage<TIn, TOut>(List<TIn> rows, int take, Func<TIn, Guid> id, Func<TIn, TOut> map) =>
        new(rows.Take(take).Select(map).ToList(), rows.Count > take ? Encode(id(rows[take - 1])) : null);
}
