using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Sentinel.EndToEnd.Tests;
using Sentinel.Testing;

namespace Sentinel.Faults.Tests;

/// What the fault tests measure, per run of the load.
public sealed record Ledger(
    int Monitors, long ResultsStored, int ChecksLost, int PairsJudged, long DuplicateResults, long ReexecutedChecks,
    int Incidents, int NotificationsExpected, int NotificationsMissing, int NotificationsDuplicated,
    int PingsAnswered, int PingsRefused, int PingsLost)
{
    public override string ToString() =>
        $"monitors {Monitors}, results stored {ResultsStored}, checks lost {ChecksLost} (of {PairsJudged} consecutive " +
        $"pairs judged), duplicate results {DuplicateResults}, checks executed twice {ReexecutedChecks}, incidents {Incidents}, " +
        $"notifications expected {NotificationsExpected}, missing {NotificationsMissing}, duplicated {NotificationsDuplicated}, " +
        $"heartbeat pings answered 200 {PingsAnswered} (refused or unanswered {PingsRefused}), answered but not stored {PingsLost}";
}

/// A steady load on real loopback targets: HTTP checks of `steady` monitors that stay up, `flapping` monitors with a
/// webhook each, and heartbeat monitors pinged several times a second (every ping answered 200 must be stored). Every 2 × FlapSeconds one of them in turn fails for FlapSeconds
/// and recovers, so incidents open and resolve and notifications flow the whole time. Each monitor goes down at most
/// twice: Alert-Evaluation holds back the alerts of a monitor that changes status more than 5 times in 10 minutes.
public sealed class SteadyLoad(FaultSystem system, LoopbackServer server, string tag)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    static readonly TimeSpan FlapSeconds = TimeSpan.FromSeconds(11);

    readonly List<(Guid Id, string Target)> steady = [];
    readonly List<(Guid Id, string Target)> flapping = [];
    readonly List<(Guid Id, string PingUrl)> heartbeats = [];
    readonly CancellationTokenSource stop = new();
    Task flapper = Task.CompletedTask;
    Task pinger = Task.CompletedTask;
    readonly System.Collections.Concurrent.ConcurrentBag<string> pingsAnswered = [];
    int pingsRefused;

    public DateTimeOffset StartedAt { get; private set; }

    public async Task StartAsync(int steadyCount, int flappingCount, int heartbeatCount = 4)
    {
        StartedAt = DateTimeOffset.UtcNow;
        for (var i = 0; i < flappingCount; i++)
        {
            var target = $"{tag}-flap-{i}";
            var channel = await system.PostAsync("channels", new { name = $"{target} hook", type = "webhook", settings = new { url = server.WebhookUrl(target) } });
            flapping.Add((await CreateMonitorAsync(target, [channel.GetProperty("id").GetGuid()]), target));
        }
        for (var i = 0; i < steadyCount; i++)
        {
            var target = $"{tag}-steady-{i}";
            steady.Add((await CreateMonitorAsync(target, []), target));
        }
        for (var i = 0; i < heartbeatCount; i++)
        {
            // A period of an hour: these never go late during a test; what matters is that every ping is kept.
            var monitor = await system.PostAsync("monitors", new { name = $"{tag}-job-{i}", type = "heartbeat", periodSeconds = 3600, graceSeconds = 3600 });
            heartbeats.Add((monitor.GetProperty("id").GetGuid(), monitor.GetProperty("pingUrl").GetString()!));
        }
        flapper = Task.Run(() => FlapAsync(stop.Token));
        pinger = Task.Run(() => PingAsync(stop.Token));
    }

    /// Each heartbeat gets a ping with a unique body about every 200 ms; a refused or unanswered ping (the Gateway
    /// is down, or RabbitMQ is and the Gateway answers 503) is not counted: only a 200 promises the ping is kept.
    async Task PingAsync(CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var sequence = 0;
        for (var round = 0; round < 5_000 && !ct.IsCancellationRequested; round++)
        {
            await Task.WhenAll(heartbeats.Select(async h =>
            {
                var body = $"{tag}-{Interlocked.Increment(ref sequence)}";
                try
                {
                    using var response = await client.PostAsync(h.PingUrl, new StringContent(body), CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.OK)
                        pingsAnswered.Add(body);
                    else
                        Interlocked.Increment(ref pingsRefused);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref pingsRefused);
                }
            }));
            try
            {
                await Task.Delay(200, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    async Task<Guid> CreateMonitorAsync(string target, Guid[] channelIds)
    {
        var monitor = await system.PostAsync("monitors", new
        {
            name = target,
            type = "http",
            url = server.TargetUrl(target),
            intervalSeconds = (int)Interval.TotalSeconds,
            timeoutSeconds = 2,
            failureThreshold = 1,
            recoveryThreshold = 1,
            channelIds,
        });
        return monitor.GetProperty("id").GetGuid();
    }

    async Task FlapAsync(CancellationToken ct)
    {
        try
        {
            for (var cycle = 0; cycle < 2 * flapping.Count && !ct.IsCancellationRequested; cycle++)
            {
                var target = flapping[cycle % flapping.Count].Target;
                await Task.Delay(FlapSeconds, ct);
                server.Fail(target);
                await Task.Delay(FlapSeconds, ct);
                server.Recover(target);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            foreach (var (_, target) in flapping)
                server.Recover(target);
        }
    }

    /// Lets the load run on until its flapping monitors have had at least this many incidents in all: a fault that
    /// swallowed a whole failing spell (checks cannot run while RabbitMQ restarts) leaves too little to judge.
    public async Task WaitForIncidentsAsync(int atLeast, TimeSpan timeout)
    {
        await Poll.UntilAsync(
            async () =>
            {
                var total = 0;
                foreach (var (id, _) in flapping)
                    total += (await IncidentsAsync(id)).Count;
                return total;
            },
            total => total >= atLeast, timeout, $"{atLeast} incidents of the flapping monitors");
    }

    /// Stops flapping, waits until every incident is resolved and notified, deletes the monitors (no more checks)
    /// and lets the last results land; then counts.
    public async Task<Ledger> StopAndCountAsync()
    {
        await stop.CancelAsync();
        await flapper;
        await pinger;
        // Pings travel on their own path (Gateway → RabbitMQ → Telemetry-Ingest): give the last ones time to land.
        var pingsLost = await CountPingsNotStoredAsync();
        for (var wait = 0; wait < 150 && pingsLost != 0; wait++)
        {
            await Task.Delay(200);
            pingsLost = await CountPingsNotStoredAsync();
        }

        var incidents = new List<(string Target, Guid IncidentId)>();
        foreach (var (id, target) in flapping)
        {
            var resolved = await Poll.UntilAsync(
                async () => await IncidentsAsync(id),
                list => list.All(i => i.Status == "resolved") && list.Count(i => server.Received(target, "up")
                    .Any(b => b.GetProperty("incidentId").GetGuid() == i.Id)) == list.Count,
                TimeSpan.FromSeconds(90),
                $"every incident of {target} resolved and its 'up' delivered");
            incidents.AddRange(resolved.Select(i => (target, i.Id)));
        }

        foreach (var (id, _) in steady.Concat(flapping))
            (await system.Gateway.DeleteAsync($"monitors/{id}")).EnsureSuccessStatusCode();
        await Task.Delay(Interval + TimeSpan.FromSeconds(3)); // a check dispatched just before the delete finishes

        var (stored, lost, judged, duplicates) = await CountResultsAsync();
        var hits = steady.Concat(flapping).Sum(m => (long)server.Hits(m.Target));

        var expected = incidents.Count * 2;
        var missing = 0;
        var duplicated = 0;
        foreach (var (target, incidentId) in incidents)
        foreach (var @event in new[] { "down", "up" })
        {
            var copies = server.Received(target, @event).Count(b => b.GetProperty("incidentId").GetGuid() == incidentId);
            missing += copies == 0 ? 1 : 0;
            duplicated += Math.Max(0, copies - 1);
        }
        // Notifications the receiver saw that belong to no incident the system recorded.
        foreach (var (_, target) in flapping)
        foreach (var body in server.Received(target, "down").Concat(server.Received(target, "up")))
            if (incidents.All(i => i.IncidentId != body.GetProperty("incidentId").GetGuid()))
                duplicated++;

        return new Ledger(steady.Count + flapping.Count, stored, lost, judged, duplicates, Math.Max(0, hits - stored),
            incidents.Count, expected, missing, duplicated, pingsAnswered.Count, pingsRefused, pingsLost);
    }

    async Task<int> CountPingsNotStoredAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(system.Database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select count(*) from unnest(@bodies) b where not exists (select 1 from telemetry.heartbeat_pings p where p.monitor_id = any(@ids) and p.body = b)",
                connection);
            command.Parameters.AddWithValue("bodies", pingsAnswered.ToArray());
            command.Parameters.AddWithValue("ids", heartbeats.Select(h => h.Id).ToArray());
            return Convert.ToInt32(await command.ExecuteScalarAsync());
        }
        catch (NpgsqlException)
        {
            return -1;
        }
    }

    /// The newest stored result of any load monitor, to see checks flowing again after a fault.
    public async Task<DateTimeOffset?> NewestResultAsync()
    {
        try
        {
            return await QueryNewestResultAsync();
        }
        catch (NpgsqlException)
        {
            return null; // PostgreSQL is still coming back
        }
    }

    async Task<DateTimeOffset?> QueryNewestResultAsync()
    {
        await using var connection = new NpgsqlConnection(system.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select max(checked_at) from telemetry.ping_results where monitor_id = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", steady.Select(m => m.Id).ToArray());
        return await command.ExecuteScalarAsync() is DateTime t ? new DateTimeOffset(t, TimeSpan.Zero) : null;
    }

    /// Lost: a check due at d that was dispatched on time (its result came less than half an interval after d) sets
    /// the monitor's next due time to its next grid slot, at most 1.5 intervals after d (the first check of a monitor
    /// is off the grid, later ones exactly one interval apart). A stored successor further away than that means a
    /// dispatched check has no result. A Scheduler that was down longer skips missed slots by design
    /// (DispatchPlan.Advance): pairs whose first check ran late are therefore not judged.
    async Task<(long Stored, int Lost, int Judged, long Duplicates)> CountResultsAsync()
    {
        await using var connection = new NpgsqlConnection(system.Database.ConnectionString);
        await connection.OpenAsync();
        var ids = steady.Concat(flapping).Select(m => m.Id).ToArray();
        await using var command = new NpgsqlCommand(
            "select monitor_id, due_at, checked_at from telemetry.ping_results where monitor_id = any(@ids) order by monitor_id, due_at",
            connection);
        command.Parameters.AddWithValue("ids", ids);
        var rows = new List<(Guid Monitor, DateTime Due, DateTime Checked)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                rows.Add((reader.GetGuid(0), reader.GetDateTime(1), reader.GetDateTime(2)));

        int lost = 0, judged = 0;
        foreach (var monitor in rows.GroupBy(r => r.Monitor))
        {
            var list = monitor.ToList();
            for (var i = 0; i + 1 < list.Count; i++)
            {
                var (_, due, checkedAt) = list[i];
                if (checkedAt - due >= Interval / 2)
                    continue;
                judged++;
                if (list[i + 1].Due - due > Interval * 1.5 + TimeSpan.FromMilliseconds(100))
                    lost++;
            }
        }
        var duplicates = rows.Count - rows.Select(r => (r.Monitor, r.Due)).Distinct().Count();
        return (rows.Count, lost, judged, duplicates);
    }

    async Task<List<IncidentRow>> IncidentsAsync(Guid monitorId)
    {
        var page = await system.Gateway.GetFromJsonAsync<JsonElement>($"incidents?monitorId={monitorId}&limit=200");
        return page.GetProperty("items").EnumerateArray()
            .Select(i => new IncidentRow(i.GetProperty("id").GetGuid(), i.GetProperty("status").GetString()!))
            .ToList();
    }

    sealed record IncidentRow(Guid Id, string Status);
}
