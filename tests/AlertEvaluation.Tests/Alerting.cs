using System.Net.Http.Json;
using System.Text.Json;
using Sentinel.Contracts;
using Sentinel.Testing;

namespace Sentinel.AlertEvaluation.Tests;

/// Drives the real service over the bus the way the Gateway and the Checker would, and reads what it sent.
public static class Alerting
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static MonitorUpserted Monitor(
        Guid id, Guid tenant, Guid[] channels, int failureThreshold = 1, int resendEverySeconds = 0, Guid? policy = null,
        Guid? parent = null, string[]? tags = null, string name = "checkout", long version = 1) =>
        new(id, tenant, version, name, "http", 5, 2, false, failureThreshold, 1, channels, true, null, tags ?? [], null,
            DateTimeOffset.UtcNow, resendEverySeconds, policy, parent);

    public static async Task PublishMonitorAsync(MonitorUpserted monitor)
    {
        await AlertEvaluationHost.Bus.Publish(monitor);
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync(
                $"select count(*) from alerting.monitors where monitor_id = '{monitor.MonitorId}' and version >= {monitor.Version}"),
            n => n == 1, Wait, $"the copy of monitor {monitor.Name}");
    }

    public static async Task PublishAndWaitAsync<T>(T message, string table, string idColumn, Guid id) where T : class
    {
        await AlertEvaluationHost.Bus.Publish(message);
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.{table} where {idColumn} = '{id}'"),
            n => n == 1, Wait, $"the copy of {typeof(T).Name}");
    }

    static DateTimeOffset lastDue = DateTimeOffset.UtcNow;

    /// Results due one second apart, in the order a test asks for them (microseconds, as PostgreSQL keeps them).
    public static MonitorChecked Result(Guid monitor, Guid tenant, bool up, string? error = null)
    {
        var due = lastDue = Max(lastDue.AddSeconds(1), DateTimeOffset.UtcNow);
        due = due.AddTicks(-(due.Ticks % TimeSpan.TicksPerMicrosecond));
        return new MonitorChecked(DeterministicGuid.ForCheck(monitor, due), monitor, tenant, up, up ? 200 : 500, 3,
            up ? null : error ?? "HTTP 500", due, due.AddMilliseconds(100));
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    public static async Task FailAsync(Guid monitor, Guid tenant, int times = 1)
    {
        for (var i = 0; i < times; i++)
            await AlertEvaluationHost.Bus.Publish(Result(monitor, tenant, up: false));
    }

    public static Task SucceedAsync(Guid monitor, Guid tenant) => AlertEvaluationHost.Bus.Publish(Result(monitor, tenant, up: true));

    public static List<SendNotification> SentFor(Guid monitor) => AlertEvaluationHost.Sent.Where(n => n.MonitorId == monitor).ToList();

    public static Task<List<SendNotification>> SentAsync(Guid monitor, Func<List<SendNotification>, bool> done, string what) =>
        Poll.UntilAsync(() => Task.FromResult(SentFor(monitor)), done, Wait, what);

    /// Waits until the service evaluated everything published for the monitor so far.
    public static Task StatesSettledAsync(Guid monitor, DateTimeOffset lastDueAt) =>
        Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync(
                $"select count(*) from alerting.monitor_states where monitor_id = '{monitor}' and last_due_at >= '{lastDueAt:O}'"),
            n => n == 1, Wait, "the results to be evaluated");

    /// Moves the service's clock and gives the alert clock (polling every 200 ms) time to look.
    public static async Task AdvanceClockAsync(TimeSpan by)
    {
        AlertEvaluationHost.Clock.Advance(by);
        await Task.Delay(TimeSpan.FromMilliseconds(600));
    }

    public static async Task<JsonElement> IncidentAsync(Guid tenant, Guid incident)
    {
        using var client = AlertEvaluationHost.Factory.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>($"/internal/tenants/{tenant}/incidents/{incident}");
    }

    public static async Task<JsonElement> HistoryAsync(Guid tenant, Guid monitor)
    {
        using var client = AlertEvaluationHost.Factory.CreateClient();
        return (await client.GetFromJsonAsync<JsonElement>($"/internal/tenants/{tenant}/alerts?monitorId={monitor}&limit=500")).GetProperty("items");
    }
}
