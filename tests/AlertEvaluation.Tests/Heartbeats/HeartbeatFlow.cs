using System.Collections.Concurrent;
using System.Net.Http.Json;
using MassTransit;
using Sentinel.AlertEvaluation.Heartbeats;
using Sentinel.Contracts;
using Sentinel.Testing;

namespace Sentinel.AlertEvaluation.Tests.Heartbeats;

/// Plays the Gateway (pings) and the Scheduler (misses) against the running service, and watches the incident events
/// it publishes on a bus of its own.
public static class HeartbeatFlow
{
    public static readonly ConcurrentQueue<IncidentOpened> Opened = new();
    public static readonly ConcurrentQueue<IncidentResolved> Resolved = new();
    static IBusControl? observer;

    public static async Task StartObserverAsync()
    {
        observer = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, ushort.Parse(TestInfrastructure.RabbitPort), AlertEvaluationHost.VirtualHost.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            cfg.ReceiveEndpoint("heartbeat-tests-incidents", e =>
            {
                e.Handler<IncidentOpened>(c => { Opened.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<IncidentResolved>(c => { Resolved.Enqueue(c.Message); return Task.CompletedTask; });
            });
        });
        await observer.StartAsync();
    }

    public static Task StopObserverAsync() => observer?.StopAsync() ?? Task.CompletedTask;

    public static MonitorUpserted Heartbeat(
        Guid id, Guid tenant, Guid channel, int failureThreshold = 1, bool manualResume = false, string[]? conditions = null,
        bool paused = false, long version = 1, DateTimeOffset? resumedAt = null) =>
        new(id, tenant, version, "nightly backup", "heartbeat", 0, 0, paused, failureThreshold, 1, [channel], true, null, [], null,
            DateTimeOffset.UtcNow, Check: new CheckSpec(conditions, Heartbeat: new HeartbeatCheckSpec(3600, null, null, 300, manualResume)),
            ResumedAt: resumedAt);

    /// A distinct, increasing arrival time for every ping of a test (whole microseconds, as stored).
    static DateTimeOffset last = DateTimeOffset.UtcNow;

    public static DateTimeOffset Next(TimeSpan? after = null)
    {
        var now = DateTimeOffset.UtcNow;
        var next = last.AddMilliseconds(10) > now ? last.AddMilliseconds(10) : now;
        if (after is { } gap)
            next = next.Add(gap);
        last = next;
        return HeartbeatResults.Microseconds(next);
    }

    public static HeartbeatPing Ping(Guid monitor, Guid tenant, string kind, DateTimeOffset? at = null, int? exit = null, Guid? rid = null) =>
        new(Guid.NewGuid(), monitor, tenant, kind, at ?? Next(), "POST", "127.0.0.1", "curl/8", null, false, exit, rid);

    public static Task SendAsync(params HeartbeatPing[] pings) =>
        AlertEvaluationHost.Bus.Publish(HeartbeatsPacked.Pack(Guid.NewGuid(), pings));

    public static async Task<string?> StatusAsync(Guid monitor)
    {
        await using var connection = new Npgsql.NpgsqlConnection(AlertEvaluationHost.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select status from alerting.monitor_states where monitor_id = $1", connection)
        {
            Parameters = { new() { Value = monitor } },
        };
        return await command.ExecuteScalarAsync() as string;
    }

    public static Task<string?> UntilStatusAsync(Guid monitor, string status) =>
        Poll.UntilAsync(() => StatusAsync(monitor), s => s == status, Alerting.Wait, $"monitor {monitor} to be {status}");

    public static async Task<T> GetAsync<T>(string url)
    {
        using var client = AlertEvaluationHost.Factory.CreateClient();
        return (await client.GetFromJsonAsync<T>(url))!;
    }

    public static Task<RunPage> RunsAsync(Guid tenant, Guid monitor, string query = "") =>
        GetAsync<RunPage>($"/internal/tenants/{tenant}/monitors/{monitor}/runs{query}");

    public static Task<FlipPage> FlipsAsync(Guid tenant, Guid monitor, string query = "") =>
        GetAsync<FlipPage>($"/internal/tenants/{tenant}/monitors/{monitor}/flips{query}");
}
