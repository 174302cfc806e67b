using Refit;

namespace Sentinel.Gateway.Heartbeats;

/// Reads a heartbeat's display state from the Scheduler for GET /monitors/{id}. The state is extra information:
/// an unreachable, slow or ignorant Scheduler leaves it null rather than failing the read.
public sealed class HeartbeatStates(ISchedulerHeartbeatsApi scheduler, ILogger<HeartbeatStates> log)
{
    public async Task<HeartbeatStateView?> TryGetAsync(Guid tenantId, Guid monitorId, CancellationToken ct)
    {
        try
        {
            return await scheduler.GetState(tenantId, monitorId, ct);
        }
        catch (Exception e) when (e is ApiException or ApiRequestException or HttpRequestException or OperationCanceledException
            && !ct.IsCancellationRequested)
        {
            log.LogInformation("No heartbeat state for {MonitorId} from the Scheduler: {Reason}", monitorId, e.Message);
            return null;
        }
    }
}
