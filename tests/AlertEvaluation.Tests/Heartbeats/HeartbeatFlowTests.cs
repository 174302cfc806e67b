using System.Data.Common;
using System.Net;
using Sentinel.AlertEvaluation.Heartbeats;
using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.AlertEvaluation.Tests.Heartbeats.HeartbeatFlow;

namespace Sentinel.AlertEvaluation.Tests.Heartbeats;

public sealed class HeartbeatFlowTests
{
    [OneTimeSetUp]
    public Task StartAsync() => StartObserverAsync();

    [OneTimeTearDown]
    public Task StopAsync() => StopObserverAsync();

    static async Task<(Guid Monitor, Guid Tenant, Guid Channel)> HeartbeatAsync(
        int failureThreshold = 1, bool manualResume = false, string[]? conditions = null, bool paused = false)
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await Alerting.PublishMonitorAsync(Heartbeat(monitor, tenant, channel, failureThreshold, manualResume, conditions, paused));
        return (monitor, tenant, channel);
    }

    static Task<List<IncidentOpened>> OpenedAsync(Guid monitor, int count = 1) =>
        Poll.UntilAsync(() => Task.FromResult(Opened.Where(o => o.MonitorId == monitor).ToList()), l => l.Count >= count, Alerting.Wait,
            $"{count} IncidentOpened for {monitor}");

    static Task<List<IncidentResolved>> ResolvedAsync(Guid monitor) =>
        Poll.UntilAsync(() => Task.FromResult(Resolved.Where(o => o.MonitorId == monitor).ToList()), l => l.Count >= 1, Alerting.Wait,
            $"IncidentResolved for {monitor}");

    [Test]
    public async Task A_fail_ping_alerts_at_once_with_a_failure_threshold_of_one()
    {
        var (monitor, tenant, channel) = await HeartbeatAsync();
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success));
        await UntilStatusAsync(monitor, MonitorStatuses.Up);

        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Fail));

        var opened = await OpenedAsync(monitor);
        Assert.That(opened[0].Error, Is.EqualTo("fail ping"));
        var sent = await Alerting.SentAsync(monitor, l => l.Count >= 1, "the down notification");
        Assert.That(sent.Single(), Has.Property(nameof(SendNotification.ChannelId)).EqualTo(channel)
            .And.Property(nameof(SendNotification.Event)).EqualTo(NotificationEvents.Down));
    }

    [Test]
    public async Task A_missed_deadline_opens_an_incident_and_the_next_success_resolves_it_even_when_the_miss_is_redelivered()
    {
        var (monitor, tenant, _) = await HeartbeatAsync();
        var last = Ping(monitor, tenant, HeartbeatPingKinds.Success);
        await SendAsync(last);
        await UntilStatusAsync(monitor, MonitorStatuses.Up);

        var miss = new HeartbeatDeadlineMissed(monitor, tenant, Next(), "late", last.ReceivedAt, DateTimeOffset.UtcNow);
        await AlertEvaluationHost.Bus.Publish(miss);
        await AlertEvaluationHost.Bus.Publish(miss);
        var opened = await OpenedAsync(monitor);
        Assert.That(opened.Single().Error, Is.EqualTo("no ping within period + grace (late)"));

        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success));
        var resolved = await ResolvedAsync(monitor);
        Assert.That(resolved.Single().IncidentId, Is.EqualTo(opened.Single().IncidentId));
        await Alerting.SentAsync(monitor, l => l.Any(n => n.Event == NotificationEvents.Up), "the recovery notification");

        await AlertEvaluationHost.Bus.Publish(miss); // late redelivery: older than the success, it changes nothing
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Log));
        await Task.Delay(1000);
        Assert.That(await StatusAsync(monitor), Is.EqualTo(MonitorStatuses.Up));
        Assert.That(Opened.Count(o => o.MonitorId == monitor), Is.EqualTo(1));
    }

    [Test]
    public async Task Success_pings_of_an_up_heartbeat_move_its_last_result_so_an_older_miss_changes_nothing()
    {
        // The steady path: an up monitor with nothing pending takes success pings without the full evaluation; it
        // must still record the newest one (id and time, successes counted once), or a miss whose deadline precedes
        // a later ping would turn it down.
        var (monitor, tenant, _) = await HeartbeatAsync();
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success));
        await UntilStatusAsync(monitor, MonitorStatuses.Up);

        var deadline = Next();
        var (first, newest) = (Ping(monitor, tenant, HeartbeatPingKinds.Success), Ping(monitor, tenant, HeartbeatPingKinds.Success));
        await SendAsync(first, newest);
        await SendAsync(first, newest); // redelivered: counted once
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync(
                $"select count(*) from alerting.monitor_states where monitor_id = '{monitor}' and last_check_id = '{newest.PingId}'"),
            n => n == 1, Alerting.Wait, "the newest ping to be the last result");
        await AlertEvaluationHost.Bus.Publish(new HeartbeatDeadlineMissed(monitor, tenant, deadline, "late", null, DateTimeOffset.UtcNow));
        await Task.Delay(1500);

        Assert.That(await StatusAsync(monitor), Is.EqualTo(MonitorStatuses.Up));
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select consecutive_successes from alerting.monitor_states where monitor_id = '{monitor}'"), Is.EqualTo(3));
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.monitor_states where monitor_id = '{monitor}' and last_due_at = '{newest.ReceivedAt:O}'"),
            Is.EqualTo(1));
        Assert.That(Opened.Count(o => o.MonitorId == monitor), Is.Zero);
    }

    [Test]
    public async Task Success_pings_of_an_up_heartbeat_that_was_paused_change_nothing()
    {
        // The steady path decides on the state row alone plus the copy's live-heartbeat flags: a paused copy must
        // keep its pings out of it, as the full evaluation does.
        var (monitor, tenant, channel) = await HeartbeatAsync();
        var up = Ping(monitor, tenant, HeartbeatPingKinds.Success);
        await SendAsync(up);
        await UntilStatusAsync(monitor, MonitorStatuses.Up);
        await Alerting.PublishMonitorAsync(Heartbeat(monitor, tenant, channel, paused: true, version: 2));
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.monitors where monitor_id = '{monitor}' and paused"),
            n => n == 1, Alerting.Wait, "the copy to be paused");

        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success), Ping(monitor, tenant, HeartbeatPingKinds.Success));
        await Task.Delay(1500);

        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.monitor_states where monitor_id = '{monitor}' and last_check_id = '{up.PingId}'"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_success_that_finishes_an_open_run_is_evaluated_in_full_among_steady_pings_of_other_monitors()
    {
        var (timed, tenant, _) = await HeartbeatAsync(conditions: ["[DURATION] < 10m"]);
        var (steady, steadyTenant, _) = await HeartbeatAsync();
        var t0 = Next(TimeSpan.FromMinutes(-30));
        await SendAsync(Ping(timed, tenant, HeartbeatPingKinds.Success, t0), Ping(steady, steadyTenant, HeartbeatPingKinds.Success, t0));
        await UntilStatusAsync(timed, MonitorStatuses.Up);
        await UntilStatusAsync(steady, MonitorStatuses.Up);

        await SendAsync(Ping(timed, tenant, HeartbeatPingKinds.Start, t0.AddMinutes(1)));
        await Poll.UntilAsync(() => RunsAsync(tenant, timed), page => page.Items.Count == 1, Alerting.Wait, "the run to be open");
        // One message: the finish (a plain success, like the steady monitor's) must close the run and fail its condition.
        var newest = Ping(steady, steadyTenant, HeartbeatPingKinds.Success, t0.AddMinutes(2));
        await SendAsync(Ping(timed, tenant, HeartbeatPingKinds.Success, t0.AddMinutes(12)), newest);

        var opened = await OpenedAsync(timed);
        Assert.That(opened[0].Error, Is.EqualTo("condition [DURATION] < 10m failed (actual: 660000)"));
        Assert.That((await RunsAsync(tenant, timed)).Items.Select(r => (r.DurationMs, r.Outcome)), Is.EqualTo(new (long?, string)[] { (660_000, "fail") }));
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync(
                $"select count(*) from alerting.monitor_states where monitor_id = '{steady}' and last_check_id = '{newest.PingId}'"),
            n => n == 1, Alerting.Wait, "the steady monitor's newest ping to be its last result");
    }

    [Test]
    public async Task A_redelivered_miss_counts_once_towards_the_failure_threshold()
    {
        var (monitor, tenant, _) = await HeartbeatAsync(failureThreshold: 2);
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success));
        await UntilStatusAsync(monitor, MonitorStatuses.Up);

        var miss = new HeartbeatDeadlineMissed(monitor, tenant, Next(), "late", null, DateTimeOffset.UtcNow);
        for (var i = 0; i < 3; i++)
            await AlertEvaluationHost.Bus.Publish(miss);
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.monitor_states where monitor_id = '{monitor}' and consecutive_failures > 0"),
            n => n == 1, Alerting.Wait, "the miss to be evaluated");
        await Task.Delay(1000);

        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select consecutive_failures from alerting.monitor_states where monitor_id = '{monitor}'"), Is.EqualTo(1));
        Assert.That(await StatusAsync(monitor), Is.EqualTo(MonitorStatuses.Up));
        Assert.That(Alerting.SentFor(monitor), Is.Empty);
    }

    [Test]
    public async Task A_ping_that_overtakes_its_monitors_upsert_counts_once_the_monitor_arrives()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Fail, exit: 2));
        await Task.Delay(500); // let it be consumed (and parked) before the monitor exists

        await Alerting.PublishMonitorAsync(Heartbeat(monitor, tenant, channel));

        var opened = await OpenedAsync(monitor);
        Assert.That(opened.Single().Error, Is.EqualTo("exit status 2"));
        Assert.That(await UntilStatusAsync(monitor, MonitorStatuses.Down), Is.EqualTo(MonitorStatuses.Down));
    }

    [Test]
    public async Task A_ping_whose_monitor_arrives_while_the_batch_reads_the_monitors_is_not_lost()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        // The monitor's copy commits right after the batch's read of the monitors: the race a ping batch and the
        // monitor's upsert run when a job pings right after the monitor was created.
        using var race = CommandHook.After(
            command => command.CommandText.Contains("alerting.monitors")
                && command.Parameters.Cast<DbParameter>().Any(p => p.Value is Guid[] ids && ids.Contains(monitor)),
            () => Alerting.PublishMonitorAsync(Heartbeat(monitor, tenant, channel)).GetAwaiter().GetResult());

        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success));

        Assert.That(await UntilStatusAsync(monitor, MonitorStatuses.Up), Is.EqualTo(MonitorStatuses.Up));
        Assert.That(race.Fired, Is.True, "the monitor arrived in the middle of the batch");
    }

    [Test]
    public async Task Exit_status_1_is_down_and_exit_status_0_is_up()
    {
        var (monitor, tenant, _) = await HeartbeatAsync();
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Fail, exit: 1));
        var opened = await OpenedAsync(monitor);
        Assert.That(opened[0].Error, Is.EqualTo("exit status 1"));
        Assert.That(await StatusAsync(monitor), Is.EqualTo(MonitorStatuses.Down));

        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success, exit: 0));
        await ResolvedAsync(monitor);
        Assert.That(await StatusAsync(monitor), Is.EqualTo(MonitorStatuses.Up));
    }

    [Test]
    public async Task Concurrent_runs_are_paired_by_rid_and_listed_newest_first_with_their_durations()
    {
        var (monitor, tenant, _) = await HeartbeatAsync();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var t0 = Next(TimeSpan.FromSeconds(-600)); // arrival times in the past, so durations are minutes without waiting
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Start, t0, rid: a));
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Start, t0.AddSeconds(60), rid: b));
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success, t0.AddSeconds(90), rid: b),
            Ping(monitor, tenant, HeartbeatPingKinds.Start, t0.AddSeconds(120)));
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Fail, t0.AddSeconds(300), rid: a));

        var runs = await Poll.UntilAsync(() => RunsAsync(tenant, monitor), p => p.Items.Count(r => r.Outcome != "running") == 2,
            Alerting.Wait, "two finished runs");

        Assert.That(runs.Items.Select(r => (r.StartedAt, r.DurationMs, r.Outcome)), Is.EqualTo(new (DateTimeOffset, long?, string)[]
        {
            (t0.AddSeconds(120), null, "running"),
            (t0.AddSeconds(60), 30_000, "success"),
            (t0, 300_000, "fail"),
        }));
        Assert.That(runs.Items[1].RunId, Is.EqualTo(b));
        Assert.That(runs.Items[2].RunId, Is.EqualTo(a));
        Assert.That(runs.Items[2].FinishedAt, Is.EqualTo(t0.AddSeconds(300)));
        Assert.That((await RunsAsync(Guid.NewGuid(), monitor)).Items, Is.Empty, "another tenant sees no runs");

        var first = await RunsAsync(tenant, monitor, "?limit=2");
        var second = await RunsAsync(tenant, monitor, $"?limit=2&cursor={first.NextCursor}");
        Assert.That(first.Items.Concat(second.Items).Select(r => r.StartedAt), Is.EqualTo(runs.Items.Select(r => r.StartedAt)));
        Assert.That(second.NextCursor, Is.Null);
    }

    [Test]
    public async Task A_run_longer_than_its_duration_condition_goes_down_with_the_condition_as_the_reason()
    {
        var (monitor, tenant, _) = await HeartbeatAsync(conditions: ["[DURATION] < 10m"]);
        var t0 = Next(TimeSpan.FromMinutes(-30));
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Start, t0));
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success, t0.AddMinutes(5)));
        await UntilStatusAsync(monitor, MonitorStatuses.Up);

        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Start, t0.AddMinutes(10)));
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success, t0.AddMinutes(21)));

        var opened = await OpenedAsync(monitor);
        Assert.That(opened[0].Error, Is.EqualTo("condition [DURATION] < 10m failed (actual: 660000)"));
        var runs = await RunsAsync(tenant, monitor);
        Assert.That(runs.Items.Select(r => (r.DurationMs, r.Outcome)), Is.EqualTo(new (long?, string)[] { (660_000, "fail"), (300_000, "success") }));
    }

    [Test]
    public async Task A_run_timeout_closes_the_run_and_alerts()
    {
        var (monitor, tenant, _) = await HeartbeatAsync();
        var started = Next(TimeSpan.FromMinutes(-10));
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Start, started));
        await Poll.UntilAsync(() => RunsAsync(tenant, monitor), p => p.Items.Count == 1, Alerting.Wait, "the open run");

        await AlertEvaluationHost.Bus.Publish(new HeartbeatDeadlineMissed(monitor, tenant, started.AddSeconds(300), "run-timeout", null, DateTimeOffset.UtcNow));

        var opened = await OpenedAsync(monitor);
        Assert.That(opened[0].Error, Is.EqualTo("run did not finish within grace (run-timeout)"));
        var run = (await RunsAsync(tenant, monitor)).Items.Single();
        Assert.That(run, Has.Property(nameof(RunView.Outcome)).EqualTo("timeout")
            .And.Property(nameof(RunView.FinishedAt)).EqualTo(started.AddSeconds(300))
            .And.Property(nameof(RunView.DurationMs)).Null);
    }

    [Test]
    public async Task A_manual_resume_heartbeat_stays_down_through_success_pings_until_it_is_resumed()
    {
        var (monitor, tenant, channel) = await HeartbeatAsync(manualResume: true);
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Fail), Ping(monitor, tenant, HeartbeatPingKinds.Success)); // one batch
        await OpenedAsync(monitor);
        var rid = Guid.NewGuid();
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Start, rid: rid));
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success, rid: rid));
        await Poll.UntilAsync(() => RunsAsync(tenant, monitor), p => p.Items.Any(r => r.Outcome == "success"), Alerting.Wait,
            "the run to be recorded (so its success ping was processed)");
        Assert.That(await StatusAsync(monitor), Is.EqualTo(MonitorStatuses.Down));
        Assert.That(Resolved.Any(r => r.MonitorId == monitor), Is.False);

        await Alerting.PublishMonitorAsync(Heartbeat(monitor, tenant, channel, manualResume: true, version: 2,
            resumedAt: AlertEvaluationHost.Clock.GetUtcNow()));
        await UntilStatusAsync(monitor, MonitorStatuses.New);
        Assert.That((await ResolvedAsync(monitor)).Single().IncidentId, Is.EqualTo((await OpenedAsync(monitor)).Single().IncidentId));

        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Success));
        await UntilStatusAsync(monitor, MonitorStatuses.Up);
        var flips = await Poll.UntilAsync(() => FlipsAsync(tenant, monitor), p => p.Items.Count >= 3, Alerting.Wait, "three flips");
        Assert.That(flips.Items.Select(f => (f.From, f.To)), Is.EqualTo(new[] { ("new", "up"), ("down", "new"), ("new", "down") }));
        Assert.That(flips.Items[1].Reason, Is.EqualTo("resumed"));
    }

    [Test]
    public async Task A_paused_heartbeat_ignores_pings_and_misses()
    {
        var (monitor, tenant, _) = await HeartbeatAsync(paused: true);
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Start), Ping(monitor, tenant, HeartbeatPingKinds.Fail));
        await AlertEvaluationHost.Bus.Publish(new HeartbeatDeadlineMissed(monitor, tenant, Next(), "late", null, DateTimeOffset.UtcNow));
        await Task.Delay(1500);

        Assert.That(await StatusAsync(monitor), Is.Null.Or.EqualTo(MonitorStatuses.New));
        Assert.That((await RunsAsync(tenant, monitor)).Items, Is.Empty);
        Assert.That(Opened.Any(o => o.MonitorId == monitor), Is.False);
        Assert.That(Alerting.SentFor(monitor), Is.Empty);
    }

    [Test]
    public async Task Pings_of_a_monitor_that_is_not_a_heartbeat_change_nothing()
    {
        var (monitor, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await Alerting.PublishMonitorAsync(Alerting.Monitor(monitor, tenant, [channel]));
        await SendAsync(Ping(monitor, tenant, HeartbeatPingKinds.Fail));
        await Task.Delay(1500);
        Assert.That(await StatusAsync(monitor), Is.Null);
        Assert.That(await AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.pending_results where monitor_id = '{monitor}'"), Is.Zero);
    }

    [Test]
    public async Task A_burst_of_5000_pings_of_500_heartbeats_is_evaluated_to_each_monitors_newest_ping_and_never_counted_twice()
    {
        var tenant = Guid.NewGuid();
        var monitors = Enumerable.Range(0, 500).Select(_ => Guid.NewGuid()).ToArray();
        await Task.WhenAll(monitors.Select(m => AlertEvaluationHost.Bus.Publish(Heartbeat(m, tenant, Guid.NewGuid()))));
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.monitors where tenant_id = '{tenant}'"),
            n => n == 500, Alerting.Wait, "500 heartbeat copies");

        // Ten pings per monitor, 50 to a message as the Gateway batches them; the first ten messages arrive twice.
        // Every fifth message is the older producers' HeartbeatsReceived, the rest HeartbeatsPacked: one queue, both.
        var t0 = Next(TimeSpan.FromMinutes(-5));
        var pings = Enumerable.Range(0, 5000).Select(i => Ping(monitors[i % 500], tenant, HeartbeatPingKinds.Success, t0.AddMilliseconds(i))).ToList();
        var messages = pings.Chunk(50)
            .Select((c, i) => i % 5 == 4 ? (object)new HeartbeatsReceived(Guid.NewGuid(), c) : HeartbeatsPacked.Pack(Guid.NewGuid(), c))
            .ToList();
        var started = System.Diagnostics.Stopwatch.StartNew();
        foreach (var message in messages.Concat(messages.Take(10))) // in order, as one Gateway publishes its batches
            await AlertEvaluationHost.Bus.Publish(message);
        var published = started.ElapsedMilliseconds;

        // Each monitor's newest ping is at t0 + 4,500..4,999 ms; it is applied whatever a retry does to the order.
        await Poll.UntilAsync(
            () => AlertEvaluationHost.Database.CountAsync($"""
                select count(*) from alerting.monitor_states s
                where s.tenant_id = '{tenant}' and s.status = 'up' and s.last_due_at >= '{t0.AddMilliseconds(4500):O}'
                """),
            n => n == 500, TimeSpan.FromSeconds(60), "every heartbeat up with its newest ping applied");
        TestContext.Out.WriteLine($"5,000 pings published in {published} ms, evaluated in {started.ElapsedMilliseconds} ms");
        await Task.Delay(500);
        // Ten when the messages were evaluated in order (a retried batch may reorder them, and an older ping is then
        // ignored), never more: a redelivered ping is not counted again.
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.monitor_states where tenant_id = '{tenant}' and consecutive_successes > 10"), Is.Zero);
        Assert.That(await AlertEvaluationHost.Database.CountAsync(
            $"select count(*) from alerting.monitor_states where tenant_id = '{tenant}' and consecutive_successes = 10"), Is.GreaterThan(0));
    }

    [Test]
    public async Task Flips_are_listed_newest_first_page_by_page_and_only_to_their_tenant()
    {
        var (monitor, tenant, _) = await HeartbeatAsync();
        foreach (var (kind, status) in new[] { ("success", "up"), ("fail", "down"), ("success", "up"), ("fail", "down") })
        {
            await SendAsync(Ping(monitor, tenant, kind));
            await UntilStatusAsync(monitor, status);
        }

        var all = await Poll.UntilAsync(() => FlipsAsync(tenant, monitor), p => p.Items.Count >= 4, Alerting.Wait, "four flips");
        Assert.That(all.Items.Select(f => f.To), Is.EqualTo(new[] { "down", "up", "down", "up" }));
        Assert.That(all.Items.Select(f => f.From), Is.EqualTo(new[] { "up", "down", "up", "new" }));
        Assert.That(all.Items.Select(f => f.At), Is.Ordered.Descending);
        Assert.That(all.Items[0].Reason, Is.EqualTo("fail ping"));

        var pages = new List<FlipView>();
        string? cursor = null;
        do
        {
            var page = await FlipsAsync(tenant, monitor, "?limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            pages.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        Assert.That(pages, Is.EqualTo(all.Items));
        Assert.That((await FlipsAsync(Guid.NewGuid(), monitor)).Items, Is.Empty);

        using var client = AlertEvaluationHost.Factory.CreateClient();
        Assert.That((await client.GetAsync($"/internal/tenants/{tenant}/monitors/{monitor}/flips?limit=0")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await client.GetAsync($"/internal/tenants/{tenant}/monitors/{monitor}/runs?cursor=nope")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
