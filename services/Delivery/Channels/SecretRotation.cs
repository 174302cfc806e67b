using Microsoft.EntityFrameworkCore;

namespace Sentinel.Delivery.Channels;

/// After a key rotation, re-encrypts every channel still sealed with an older key, in small batches, once at
/// start-up. Until it has run, old rows still decrypt through Delivery:PreviousSecretKeys.
public sealed class SecretRotation(IServiceScopeFactory scopes, ChannelSecrets secrets, ILogger<SecretRotation> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var total = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            int resealed;
            try
            {
                resealed = await ResealBatchAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Not migrated yet, the database restarting or unreachable, or a concurrent upsert won: try again shortly.
                log.LogDebug(ex, "Secret rotation pass failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                continue;
            }
            if (resealed == 0)
                break;
            total += resealed;
        }
        if (total > 0)
            log.LogInformation("Re-encrypted the settings of {Count} channel(s) under the current secret key", total);
    }

    async Task<int> ResealBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeliveryDb>();
        var stale = await db.Channels
            .Where(c => c.SettingsCipher != null && c.SettingsKeyId != secrets.CurrentKeyId)
            .OrderBy(c => c.Id).Take(100).ToListAsync(ct);
        foreach (var channel in stale)
            channel.Reseal(secrets);
        await db.SaveChangesAsync(ct);
        return stale.Count;
    }
}
