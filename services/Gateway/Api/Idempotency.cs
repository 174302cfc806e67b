using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.Api;

/// The first successful response to a create sent with an `Idempotency-Key`, kept so a retry returns it again.
public sealed class IdempotencyRecord
{
    public Guid TenantId { get; init; }
    public required string Key { get; init; }
    public required string Request { get; init; }
    public int StatusCode { get; init; }
    public string? Location { get; init; }
    public required string Body { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// Wraps a create in one transaction with the record of its response. Two concurrent requests with one key collide on
/// the (tenant, key) primary key: the loser rolls back its create and answers with the winner's response.
public sealed class IdempotentCreate(CatalogDb db, TenantContext tenant, TimeProvider clock, IOptions<JsonOptions> json)
    : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key))
            return await next(context);
        if (key.Length > 255)
            return Problems.Validation(Header, "Idempotency-Key must be at most 255 characters.");

        var request = $"{http.Request.Method} {http.Request.Path}";
        var ct = http.RequestAborted;
        if (await FindAsync(key, ct) is { } earlier)
            return Replay(earlier, request, http);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result as IResult;
        if (inner is not IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } success || inner is not IValueHttpResult value)
            return result; // a rejection stores nothing, so the client may fix the request and retry with the same key

        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            TenantId = tenant.Id,
            Key = key,
            Request = request,
            StatusCode = success.StatusCode.Value,
            // Created<T> has no interface that exposes the location, so read the one property by name.
            Location = inner.GetType().GetProperty("Location")?.GetValue(inner) as string,
            Body = JsonSerializer.Serialize(value.Value, json.Value.SerializerOptions),
            CreatedAt = clock.GetUtcNowForStorage(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return result;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return Replay(await FindAsync(key, ct) ?? throw new InvalidOperationException("Idempotency record vanished"), request, http);
        }
    }

    Task<IdempotencyRecord?> FindAsync(string key, CancellationToken ct) =>
        db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.TenantId == tenant.Id && r.Key == key, ct);

    static IResult Replay(IdempotencyRecord earlier, string request, HttpContext http)
    {
        if (earlier.Request != request)
            return TypedResults.Problem(
                $"Idempotency-Key was first used for {earlier.Request}; use a new key for another request.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused.", type: Problems.ConflictType);
        if (earlier.Location is not null)
            http.Response.Headers.Location = earlier.Location;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Text(earlier.Body, "application/json", System.Text.Encoding.UTF8, earlier.StatusCode);
    }
}
