using System.Collections.Concurrent;
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

/// Token and slug lookups for the ping endpoints, cached in memory: a query per ping would be the bottleneck at 10,000
/// pings/s. An entry stays until its monitor changes, not for a short TTL: every create, edit, pause, resume or delete
/// of a monitor calls Forget(monitorId), on the replica that made it right after its commit and on every replica when
/// its MonitorUpserted / MonitorDeleted arrives (PingTargetEvictions). `Heartbeats:CacheSeconds` (default 300, with up
/// to 20% jitter so entries loaded together do not expire together) is only a backstop for a change whose event never
/// came; unknown keys are kept for `Heartbeats:NegativeCacheSeconds` (default 2) and until the next change of any
/// monitor (it may be the one they name). Concurrent misses of one key share one lookup, and token misses that queue up
/// while up to 4 queries run share the next query (`= ANY(tokens)`, up to 1,000), so a cold cache under load costs a
/// few queries, not one per token.
public sealed class PingTargets(IMemoryCache cache, IServiceScopeFactory scopes, IConfiguration configuration, ILogger<PingTargets> log)
    : BackgroundService
{
    const int MaxTokensPerQuery = 1000;
    readonly TimeSpan negativeTtl = TimeSpan.FromSeconds(configuration.GetValue("Heartbeats:NegativeCacheSeconds", 2.0));
    readonly Channel<(string Token, TaskCompletionSource<PingTarget?> Done)> tokenMisses =
        Channel.CreateUnbounded<(string, TaskCompletionSource<PingTarget?>)>(new UnboundedChannelOptions { SingleReader = true });
    readonly SemaphoreSlim queries = new(4);
    /// The keys each found monitor is cached under (its token, its slug), so a change of the monitor finds them. A key
    /// left here after its entry expired costs one needless Remove at the monitor's next change, nothing more.
    readonly ConcurrentDictionary<Guid, ConcurrentDictionary<(string, string, string), byte>> keysByMonitor = new();
    /// How many changes Forget has seen. An entry remembers the count when its lookup started: a lookup a change may
    /// have overtaken (the count moved while it ran) is not trusted, and neither is an unknown key after any change.
    long changes;
    /// Token lookups run as plain SQL on a pooled connection (the pool CatalogDb uses too), not through a CatalogDb per
    /// query: building a DbContext and running the query through EF was most of their cost (perf: ~15% of the
    /// Gateway's CPU under the heartbeat bench when entries expired after 5 s).
    readonly Lazy<string> connectionString = new(() =>
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredService<CatalogDb>().Database.GetConnectionString()!;
    });
    const string ByTokens = $"""
        select ping_token, id, tenant_id, settings::text from {CatalogDb.Schema}.monitors
        where ping_token = any($1) and type = $2
        """;

    /// `Heartbeats:CacheSeconds`: the longest a found entry is kept (the backstop behind invalidation).
    public TimeSpan Ttl { get; } = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Heartbeats:CacheSeconds", 300.0)));

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

    /// A monitor was created, changed or deleted (after its commit): its entries go, and so does every unknown key (the
    /// monitor may have just taken it). Lookups still running may have read the old row: their results are not kept.
    public void Forget(Guid monitorId)
    {
        // The count moves first, then the keys go: a lookup that indexes its key after this Remove sees the new count.
        Interlocked.Increment(ref changes);
        if (keysByMonitor.TryRemove(monitorId, out var keys))
            foreach (var key in keys.Keys)
                cache.Remove(key);
    }

    /// Changes may have been missed (the replica's event queue was just declared, or declared again after the broker
    /// connection was lost and the temporary queue with it): nothing cached is trusted.
    public void ForgetAll()
    {
        Interlocked.Increment(ref changes); // unknown keys
        foreach (var monitorId in keysByMonitor.Keys)
            Forget(monitorId);
    }

    /// A cached lookup with the change count when it started. Indexed: the monitor it found is in keysByMonitor and
    /// nothing changed while it ran, so only Forget of that monitor (or the TTL) ends it.
    sealed class Entry(Task<PingTarget?> lookup, long startedAt)
    {
        public Task<PingTarget?> Lookup { get; } = lookup;
        public long StartedAt { get; } = startedAt;
        public volatile bool Indexed;
    }

    Task<PingTarget?> GetAsync((string, string, string) key, Func<Task<PingTarget?>> load)
    {
        var now = Volatile.Read(ref changes);
        if (cache.TryGetValue(key, out Entry? cached) && (cached!.Indexed || cached.StartedAt == now))
            return cached.Lookup;
        var entry = new Entry(load(), now);
        cache.Set(key, entry, Ttl * (1 - Random.Shared.NextDouble() * 0.2));
        _ = entry.Lookup.ContinueWith(_ => Settle(key, entry), TaskScheduler.Default);
        return entry.Lookup;
    }

    void Settle((string, string, string) key, Entry entry)
    {
        var lookup = entry.Lookup;
        if (!lookup.IsCompletedSuccessfully || lookup.Result is null)
        {
            // A failed lookup (database down) is not remembered; an unknown key is, briefly. Only this entry is
            // touched: a newer lookup of the key may have replaced it (removing that one too would only cost a miss).
            if (cache.TryGetValue(key, out Entry? current) && ReferenceEquals(current, entry))
            {
                if (lookup.IsCompletedSuccessfully)
                    cache.Set(key, entry, negativeTtl);
                else
                    cache.Remove(key);
            }
            return;
        }
        keysByMonitor.GetOrAdd(lookup.Result.MonitorId, _ => new()).TryAdd(key, 0);
        // A full fence (not a volatile read) orders the add above before this read, as Forget's increment orders
        // itself before its TryRemove: either Forget sees the key, or this sees Forget's change and does not index.
        if (Interlocked.Read(ref changes) == entry.StartedAt)
            entry.Indexed = true;
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
