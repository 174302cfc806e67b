using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using Sentinel.Gateway.Monitors;
using Monitor = Sentinel.Gateway.Monitors.Monitor;

namespace Sentinel.Gateway.Heartbeats;

/// What a ping needs to know about its monitor, resolved from its token or slug.
public sealed record PingTarget(
    Guid MonitorId,
    Guid TenantId,
    IReadOnlyList<string>? AllowedMethods,
    IReadOnlyList<string>? StartKeywords,
    IReadOnlyList<string>? SuccessKeywords,
    IReadOnlyList<string>? FailureKeywords)
{
    public bool FiltersKeywords => StartKeywords is not null || SuccessKeywords is not null || FailureKeywords is not null;

    public static PingTarget From(Guid monitorId, Guid tenantId, string settingsJson)
    {
        var settings = MonitorSettings.Read(settingsJson);
        return new PingTarget(monitorId, tenantId, settings.AllowedMethods, settings.StartKeywords, settings.SuccessKeywords,
            settings.FailureKeywords);
    }
}

/// Token and slug lookups for the ping endpoints, cached in memory for `Heartbeats:CacheSeconds` (default 5, with
/// up to 20% jitter so entries loaded together do not expire together), unknown ones for
/// `Heartbeats:NegativeCacheSeconds` (default 2): a query per ping would be the bottleneck at 10,000 pings/s. So an
/// edit (new keywords, a deleted monitor) reaches pings up to that many seconds late. Concurrent misses of one key
/// share one lookup, and token misses that queue up while up to 4 queries run share the next query
/// (`= ANY(tokens)`, up to 1,000), so a cold cache under load costs a few queries, not one per token.
public sealed class PingTargets(IMemoryCache cache, IServiceScopeFactory scopes, IConfiguration configuration, ILogger<PingTargets> log)
    : BackgroundService
{
    const int MaxTokensPerQuery = 1000;
    readonly TimeSpan ttl = TimeSpan.FromSeconds(configuration.GetValue("Heartbeats:CacheSeconds", 5.0));
    readonly TimeSpan negativeTtl = TimeSpan.FromSeconds(configuration.GetValue("Heartbeats:NegativeCacheSeconds", 2.0));
    readonly Channel<(string Token, TaskCompletionSource<PingTarget?> Done)> tokenMisses =
        Channel.CreateUnbounded<(string, TaskCompletionSource<PingTarget?>)>(new UnboundedChannelOptions { SingleReader = true });
    readonly SemaphoreSlim queries = new(4);
    /// Token lookups run as plain SQL on a pooled connection (the pool CatalogDb uses too), not through a CatalogDb per
    /// query: with every ping's cache entry expiring after a few seconds they run hundreds of times a second, and
    /// building a DbContext and running the query through EF was most of their cost (perf: ~15% of the Gateway's CPU
    /// under the heartbeat bench).
    readonly Lazy<string> connectionString = new(() =>
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredService<CatalogDb>().Database.GetConnectionString()!;
    });
    const string ByTokens = $"""
        select ping_token, id, tenant_id, settings::text from {CatalogDb.Schema}.monitors
        where ping_token = any($1) and type = $2
        """;

    public Task<PingTarget?> ByTokenAsync(string token) =>
        GetAsync(("token", token, ""), () =>
        {
            var done = new TaskCompletionSource<PingTarget?>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!tokenMisses.Writer.TryWrite((token, done)))
                done.SetException(new OperationCanceledException("The Gateway is stopping."));
            return done.Task;
        });

    public Task<PingTarget?> BySlugAsync(string pingKey, string slug) =>
        GetAsync(("slug", pingKey, slug), () => LoadOneAsync(db => db.Monitors.AsNoTracking()
            .Where(m => m.Slug == slug && m.Type == MonitorTypes.Heartbeat
                && db.Tenants.Any(t => t.Id == m.TenantId && t.PingKey == pingKey))));

    /// After a slug monitor was created by a ping: the negative entry must not hide it.
    public void Forget(string pingKey, string slug) => cache.Remove(("slug", pingKey, slug));

    Task<PingTarget?> GetAsync((string, string, string) key, Func<Task<PingTarget?>> load)
    {
        if (cache.TryGetValue(key, out Task<PingTarget?>? cached))
            return cached!;
        var lookup = load();
        cache.Set(key, lookup, ttl * (1 - Random.Shared.NextDouble() * 0.2));
        _ = lookup.ContinueWith(t =>
        {
            // A failed lookup (database down) is not remembered; an unknown key is, briefly.
            if (!t.IsCompletedSuccessfully)
                cache.Remove(key);
            else if (t.Result is null)
                cache.Set(key, t, negativeTtl);
        }, TaskScheduler.Default);
        return lookup;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = tokenMisses.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var batch = new List<(string Token, TaskCompletionSource<PingTarget?> Done)>();
                while (batch.Count < MaxTokensPerQuery && reader.TryRead(out var miss))
                    batch.Add(miss);
                await queries.WaitAsync(CancellationToken.None); // a query ends within the command timeout
                _ = LoadTokensAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        tokenMisses.Writer.TryComplete();
        while (reader.TryRead(out var left))
            left.Done.TrySetException(new OperationCanceledException("The Gateway is stopping."));
    }

    async Task LoadTokensAsync(List<(string Token, TaskCompletionSource<PingTarget?> Done)> batch)
    {
        try
        {
            var tokens = batch.Select(m => m.Token).Distinct().ToArray();
            var found = new Dictionary<string, PingTarget>(tokens.Length);
            await using (var connection = new NpgsqlConnection(connectionString.Value))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(ByTokens, connection);
                command.Parameters.Add(new NpgsqlParameter { Value = tokens });
                command.Parameters.Add(new NpgsqlParameter { Value = MonitorTypes.Heartbeat });
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    found[reader.GetString(0)] = PingTarget.From(reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3));
            }
            foreach (var (token, done) in batch)
                done.TrySetResult(found.GetValueOrDefault(token));
        }
        catch (Exception exception)
        {
            // Each waiting ping fails (500) and the entries are dropped, so the next ping asks again.
            log.LogWarning(exception, "Looking up {Count} ping tokens failed", batch.Count);
            foreach (var (_, done) in batch)
                done.TrySetException(exception);
        }
        finally
        {
            queries.Release();
        }
    }

    async Task<PingTarget?> LoadOneAsync(Func<CatalogDb, IQueryable<Monitor>> query)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDb>();
        var row = await query(db).Select(m => new { m.Id, m.TenantId, m.Settings }).SingleOrDefaultAsync();
        return row is null ? null : PingTarget.From(row.Id, row.TenantId, row.Settings);
    }

    public override void Dispose()
    {
        queries.Dispose();
        base.Dispose();
    }
}
