using MassTransit;
using Microsoft.Extensions.Options;
using Sentinel.Checker.Locations;
using Sentinel.Contracts;

namespace Sentinel.Checker.Canaries;

/// Probes every canary each `Checker:CanaryIntervalSeconds` and publishes CheckerStatus each `Checker:StatusSeconds`
/// and at once when health changes. The Checker is unknown while EVERY canary fails: one canary down is more likely
/// that canary's own outage than this Checker's network, so several independent canaries make a false "unknown" rare.
public sealed class CanaryLoop(
    CanaryProbe probe, CheckerHealth health, CheckerIdentity identity, IBus bus, IOptions<CanaryOptions> options,
    TimeProvider clock, ILogger<CanaryLoop> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var canaries = o.Canaries.Where(c => !string.IsNullOrWhiteSpace(c)).ToList();
        var probeEvery = TimeSpan.FromSeconds(Math.Max(1, o.CanaryIntervalSeconds));
        var reportEvery = TimeSpan.FromSeconds(Math.Max(1, o.StatusSeconds));
        var timeout = TimeSpan.FromSeconds(Math.Clamp(o.CanaryTimeoutSeconds, 1, 60));
        var nextProbe = clock.GetUtcNow();
        var nextReport = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = false;
            if (canaries.Count > 0 && clock.GetUtcNow() >= nextProbe)
            {
                var failures = await Task.WhenAll(canaries.Select(c => probe.ProbeAsync(c, timeout, stoppingToken)));
                var allFailed = failures.All(f => f is not null);
                changed = health.Set(!allFailed, allFailed ? "canaries unreachable: " + string.Join("; ", failures) : null);
                if (changed && allFailed)
                    log.LogWarning("Every canary failed; results are reported as unknown until one answers: {Reason}", health.Reason);
                else if (changed)
                    log.LogInformation("A canary answers again; results are reported normally");
                nextProbe = clock.GetUtcNow() + probeEvery;
            }
            if (changed || clock.GetUtcNow() >= nextReport)
            {
                try
                {
                    using var publishTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    publishTimeout.CancelAfter(TimeSpan.FromSeconds(10));
                    await bus.Publish(new CheckerStatus(identity.CheckerId, identity.Location, health.Healthy, health.Reason,
                        canaries.Count, clock.GetUtcNow()), publishTimeout.Token);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The broker is away: the status is repeated on the next round anyway.
                    log.LogWarning(ex, "Publishing the Checker's status failed");
                }
                nextReport = clock.GetUtcNow() + reportEvery;
            }
            var wait = (canaries.Count > 0 && nextProbe < nextReport ? nextProbe : nextReport) - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
