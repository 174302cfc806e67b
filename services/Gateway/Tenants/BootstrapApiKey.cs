using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.ApiKeys;

namespace Sentinel.Gateway.Tenants;

/// With `Gateway:BootstrapApiKey` set, makes sure a tenant "default" and a read-write key "bootstrap" with that
/// secret exist, so a fresh install can be used at once. Deterministic ids and ON CONFLICT DO NOTHING let any number of
/// replicas run it at the same time. It retries until the schema exists, because migrations may still be running.
public sealed class BootstrapApiKey(
    IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<BootstrapApiKey> log)
    : BackgroundService
{
    public static readonly Guid DefaultTenantId = DeterministicGuid.Create("tenant", "default");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var secret = configuration["Gateway:BootstrapApiKey"];
        if (string.IsNullOrWhiteSpace(secret))
            return;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureAsync(secret.Trim(), stoppingToken);
                log.LogInformation("Bootstrap API key for tenant {TenantId} is in place", DefaultTenantId);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(ex, "Could not ensure the bootstrap API key yet; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    async Task EnsureAsync(string secret, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDb>();
        var now = clock.GetUtcNowForStorage();
        var hash = ApiKeySecret.Hash(secret);
        var keyId = DeterministicGuid.Create("bootstrap-key", hash);
        var prefix = ApiKeySecret.PrefixOf(secret);
        await db.Database.ExecuteSqlAsync(
            $"insert into gateway.tenants (id, name, created_at) values ({DefaultTenantId}, 'default', {now}) on conflict do nothing", ct);
        await db.Database.ExecuteSqlAsync(
            $"""
            insert into gateway.api_keys (id, tenant_id, name, prefix, key_hash, scope, created_at)
            values ({keyId}, {DefaultTenantId}, 'bootstrap', {prefix}, {hash}, {ApiKeyScopes.ReadWrite}, {now})
            on conflict do nothing
            """, ct);
    }
}
