using Microsoft.EntityFrameworkCore;
using Prometheus;

namespace Sentinel.AlertEvaluation.Incidents;

/// Open incidents, counted in the incidents table when Prometheus scrapes: the table is the truth whichever replica
/// opened them, so every replica reports the same figure (aggregate with max, not sum).
public sealed class IncidentMetrics(IServiceScopeFactory scopes, ILogger<IncidentMetrics> log)
{
    static readonly Gauge Open = Metrics.CreateGauge(
        "sentinel_incidents_open", "Incidents not yet resolved, by whether someone acknowledged them.", "acknowledged");

    public void Register() => Metrics.DefaultRegistry.AddBeforeCollectCallback(RefreshAsync);

    async Task RefreshAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AlertingDb>();
            var counts = await db.Incidents.Where(i => i.Status == Incident.OpenStatus)
                .GroupBy(i => i.AcknowledgedAt != null)
                .Select(g => new { Acknowledged = g.Key, Count = g.Count() })
                .ToListAsync(ct);
            Open.WithLabels("false").Set(counts.Where(c => !c.Acknowledged).Sum(c => c.Count));
            Open.WithLabels("true").Set(counts.Where(c => c.Acknowledged).Sum(c => c.Count));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // A scrape must still answer while the database is away: the gauge keeps its last value.
            log.LogWarning(ex, "Could not count open incidents for /metrics");
        }
    }
}
