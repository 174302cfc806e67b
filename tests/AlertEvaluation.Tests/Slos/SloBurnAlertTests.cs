using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sentinel.AlertEvaluation.Slos;
using Sentinel.Contracts;
using Sentinel.Testing;
using static Sentinel.AlertEvaluation.Tests.Alerting;

namespace Sentinel.AlertEvaluation.Tests.Slos;

/// The burn-rate pass against the real database, outbox and broker, with Telemetry-Ingest faked at its HTTP edge and
/// time driven by a fake clock, minute by minute through an outage of ten minutes (T0 … T0+9m all checks down) under
/// a 99.9 % objective and the workbook's rules (14.4× over 1 h and 5 min; 6× over 6 h and 30 min).
public sealed class SloBurnAlertTests
{
    static readonly DateTimeOffset T0 = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);
    static readonly SloBurnRule[] WorkbookRules = [new(14.4, 3600, 300), new(6, 21600, 1800)];

    FakeTimeProvider clock = new(T0.AddMinutes(-10));
    FakeTelemetrySlos telemetry = null!;

    [OneTimeSetUp]
    public async Task StartTelemetryAsync()
    {
        telemetry = await FakeTelemetrySlos.StartAsync(() => clock.GetUtcNow());
        for (var m = 0; m < 10; m++)
            telemetry.BadMinutes.Add(T0.AddMinutes(m));
    }

    /// A fake clock never goes back, and each test starts before the outage.
    [SetUp]
    public void NewClock() => clock = new FakeTimeProvider(T0.AddMinutes(-10));

    [OneTimeTearDown]
    public async Task StopTelemetryAsync() => await telemetry.DisposeAsync();

    AlertingDb NewDb() => new(new DbContextOptionsBuilder<AlertingDb>()
        .UseNpgsql(AlertEvaluationHost.Database.ConnectionString, o => o.MigrationsHistoryTable("__ef_migrations_history", AlertingDb.Schema))
        .Options);

    /// Two replicas' passes at once, as often as needed until one of them got the lock (the host's own loop may hold
    /// it for a moment).
    async Task RunPassesAsync()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await using var a = NewDb();
            await using var b = NewDb();
            using var httpA = new HttpClient { BaseAddress = new Uri(telemetry.Url) };
            using var httpB = new HttpClient { BaseAddress = new Uri(telemetry.Url) };
            var results = await Task.WhenAll(
                new SloBurnPass(a, new TelemetrySloClient(httpA), clock, NullLogger<SloBurnPass>.Instance).RunAsync(CancellationToken.None),
                new SloBurnPass(b, new TelemetrySloClient(httpB), clock, NullLogger<SloBurnPass>.Instance).RunAsync(CancellationToken.None));
            if (results.Any(r => r is not null))
                return;
            await Task.Delay(100);
        }
        Assert.Fail("no pass got the advisory lock");
    }

    static async Task<bool> AlertOpenAsync(Guid sloId) =>
        await AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.slos where slo_id = '{sloId}' and alert_id is not null") == 1;

    static SloUpserted Slo(Guid id, Guid tenant, Guid? monitor, string? tag, Guid[] channels) =>
        new(id, tenant, 1, "checkout-availability", monitor, tag, 99.9, 30, WorkbookRules, channels, DateTimeOffset.UtcNow);

    [Test]
    public async Task The_alert_fires_one_minute_into_the_outage_and_resolves_when_the_slow_rules_short_window_clears()
    {
        var (sloId, tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Guid[] channels = [Guid.NewGuid(), Guid.NewGuid()];
        await PublishAndWaitAsync(Slo(sloId, tenant, monitor, null, channels), "slos", "slo_id", sloId);

        var changes = new List<(DateTimeOffset At, bool Open)>();
        var open = false;
        for (var at = T0.AddMinutes(-5); at <= T0.AddMinutes(45); at = at.AddMinutes(1))
        {
            clock.SetUtcNow(at);
            await RunPassesAsync();
            if (await AlertOpenAsync(sloId) != open)
                changes.Add((at, open = !open));
        }

        // Fast rule: 1 bad minute in the last hour is 16.7× (> 14.4×), and 200× over 5 min: fires at T0+1m. It clears at
        // T0+15m (5 min without a bad check), but the slow rule (10 bad minutes: 27.8× over 6 h, 333× over 30 min)
        // holds until its 30-minute window no longer reaches the last bad minute, T0+9m: at T0+40m.
        Assert.That(changes, Is.EqualTo(new[] { (T0.AddMinutes(1), true), (T0.AddMinutes(40), false) }));
        Assert.That(telemetry.Requests.Where(r => r.TenantId == tenant).Select(r => r.MonitorIds), Is.All.EqualTo(new[] { monitor }));

        var sent = await Poll.UntilAsync(() => Task.FromResult(SentFor(sloId)), s => s.Count >= 4, Wait, "the SLO notifications");
        await Task.Delay(TimeSpan.FromSeconds(1)); // anything sent twice would arrive by now
        sent = SentFor(sloId);
        var burning = sent.Where(n => n.Event == SloNotificationEvents.Burning).ToList();
        var recovered = sent.Where(n => n.Event == SloNotificationEvents.Recovered).ToList();
        Assert.That(burning.Select(n => n.ChannelId), Is.EquivalentTo(channels), "one burning notification per channel");
        Assert.That(recovered.Select(n => n.ChannelId), Is.EquivalentTo(channels), "one recovery per channel");
        Assert.That(sent, Has.Count.EqualTo(4));
        Assert.That(sent.Select(n => n.IncidentId).Distinct().Count(), Is.EqualTo(1), "both events belong to one alert");
        Assert.That(sent.Select(n => n.NotificationId).Distinct().Count(), Is.EqualTo(4));
        Assert.Multiple(() =>
        {
            Assert.That(burning[0].MonitorName, Is.EqualTo("checkout-availability"));
            Assert.That(burning[0].FirstFailureAt, Is.EqualTo(T0.AddMinutes(1)));
            Assert.That(burning[0].Error, Does.Contain("16.7× over 1h and 200.0× over 5m (threshold 14.4×)"));
            Assert.That(recovered[0].FirstFailureAt, Is.EqualTo(T0.AddMinutes(1)));
            Assert.That(recovered[0].ResolvedAt, Is.EqualTo(T0.AddMinutes(40)));
            Assert.That(recovered[0].Status, Is.EqualTo("ok"));
        });
        Assert.That(await AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.alert_history where monitor_id = '{sloId}'"),
            Is.EqualTo(4));

        await PublishAndWaitAsync(new SloDeleted(sloId, tenant, 2, DateTimeOffset.UtcNow), "slos", "slo_id", sloId);
    }

    [Test]
    public async Task A_tag_SLO_covers_the_tenants_live_tagged_monitors_and_keeps_its_alert_while_Telemetry_is_down()
    {
        var (sloId, tenant, channel) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var tag = "slo-" + Guid.NewGuid().ToString("N")[..8];
        var (a, b, untagged, gone) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await PublishMonitorAsync(Monitor(a, tenant, [], tags: [tag]));
        await PublishMonitorAsync(Monitor(b, tenant, [], tags: ["x", tag]));
        await PublishMonitorAsync(Monitor(untagged, tenant, [], tags: ["x"]));
        await PublishMonitorAsync(Monitor(Guid.NewGuid(), Guid.NewGuid(), [], tags: [tag])); // another tenant's
        await PublishMonitorAsync(Monitor(gone, tenant, [], tags: [tag]));
        await AlertEvaluationHost.Bus.Publish(new MonitorDeleted(gone, tenant, 2, DateTimeOffset.UtcNow));
        await Poll.UntilAsync(() => AlertEvaluationHost.Database.CountAsync($"select count(*) from alerting.monitors where monitor_id = '{gone}' and deleted"),
            n => n == 1, Wait, "the monitor's tombstone");
        await PublishAndWaitAsync(Slo(sloId, tenant, null, tag, [channel]), "slos", "slo_id", sloId);

        clock.SetUtcNow(T0.AddMinutes(5));
        await RunPassesAsync();
        Assert.That(await AlertOpenAsync(sloId), Is.True);
        Assert.That(telemetry.Requests.Where(r => r.TenantId == tenant).Last().MonitorIds, Is.EquivalentTo(new[] { a, b }));

        telemetry.Failing = true;
        clock.SetUtcNow(T0.AddHours(2));
        await RunPassesAsync();
        Assert.That(await AlertOpenAsync(sloId), Is.True, "no figures, no verdict: the alert stays open");

        telemetry.Failing = false;
        await RunPassesAsync();
        Assert.That(await AlertOpenAsync(sloId), Is.False);

        var sent = await Poll.UntilAsync(() => Task.FromResult(SentFor(sloId)), s => s.Count >= 2, Wait, "the SLO notifications");
        Assert.That(sent.Select(n => (n.Event, n.ChannelId)), Is.EquivalentTo(new[]
        {
            (SloNotificationEvents.Burning, channel), (SloNotificationEvents.Recovered, channel),
        }));
        Assert.That(sent[0].Tags, Is.EqualTo(new[] { tag }));

        await PublishAndWaitAsync(new SloDeleted(sloId, tenant, 2, DateTimeOffset.UtcNow), "slos", "slo_id", sloId);
    }
}
