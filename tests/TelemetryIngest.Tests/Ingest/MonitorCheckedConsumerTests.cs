using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.TelemetryIngest.Results;
using Sentinel.Testing;
using static Sentinel.TelemetryIngest.Tests.TelemetryEnvironment;

namespace Sentinel.TelemetryIngest.Tests.Ingest;

public sealed class MonitorCheckedConsumerTests
{
    static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    static List<MonitorChecked> ResultsFor(Guid monitorId, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var dueAt = Start.AddSeconds(30 * i);
            return new MonitorChecked(
                DeterministicGuid.ForCheck(monitorId, dueAt), monitorId, Guid.NewGuid(), i % 5 != 0,
                i % 5 == 0 ? null : 200, 10.5 + i, i % 5 == 0 ? "connection refused" : null,
                dueAt, dueAt.AddMilliseconds(40 + i));
        }).ToList();

    static async Task PublishAsync(IEnumerable<MonitorChecked> results)
    {
        var bus = Service.Services.GetRequiredService<IBus>();
        await Task.WhenAll(results.Select(r => bus.Publish(r)));
    }

    static Task<long> StoredAsync(Guid monitorId) =>
        Database.CountAsync($"select count(*) from telemetry.ping_results where monitor_id = '{monitorId}'");

    [Test]
    public async Task Every_published_result_is_stored_once_with_its_values()
    {
        var monitorId = Guid.NewGuid();
        var results = ResultsFor(monitorId, 25);

        await PublishAsync(results);

        await Poll.UntilAsync(() => StoredAsync(monitorId), n => n >= 25, TimeSpan.FromSeconds(30), "25 stored results");
        Assert.That(await StoredAsync(monitorId), Is.EqualTo(25));
        var down = results.First(r => !r.Up);
        Assert.That(await Database.CountAsync($"""
            select count(*) from telemetry.ping_results
            where check_id = '{down.CheckId}' and tenant_id = '{down.TenantId}' and not up and status_code is null
              and error = 'connection refused' and latency_ms = {down.LatencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture)}
              and due_at = '{down.DueAt:O}' and checked_at = '{down.CheckedAt:O}' and ingested_at is not null
            """), Is.EqualTo(1));
    }

    [Test]
    public async Task Publishing_the_same_results_again_adds_no_rows()
    {
        var monitorId = Guid.NewGuid();
        var results = ResultsFor(monitorId, 40);
        await PublishAsync(results);
        await Poll.UntilAsync(() => StoredAsync(monitorId), n => n >= 40, TimeSpan.FromSeconds(30), "40 stored results");

        var receivedBefore = await MetricAsync("sentinel_results_received_total");
        await PublishAsync(results);
        await Poll.UntilAsync(
            () => MetricAsync("sentinel_results_received_total"), n => n >= receivedBefore + 40,
            TimeSpan.FromSeconds(30), "the redelivered results to be consumed");

        Assert.That(await StoredAsync(monitorId), Is.EqualTo(40));
    }

    [Test]
    public async Task A_thousand_results_published_quickly_are_all_stored_in_few_batches()
    {
        var monitorId = Guid.NewGuid();
        var results = ResultsFor(monitorId, 1000);
        var batchesBefore = await MetricAsync("sentinel_results_ingest_batch_duration_seconds_count");

        await PublishAsync(results);

        await Poll.UntilAsync(() => StoredAsync(monitorId), n => n >= 1000, TimeSpan.FromSeconds(60), "1000 stored results");
        Assert.That(await StoredAsync(monitorId), Is.EqualTo(1000));
        var batches = await MetricAsync("sentinel_results_ingest_batch_duration_seconds_count") - batchesBefore;
        await TestContext.Out.WriteLineAsync($"1000 results arrived in {batches} COPY batches");
        Assert.That(batches, Is.GreaterThan(0).And.LessThan(100), "results should be written a batch at a time, not one by one");
    }

    [Test]
    public async Task A_batch_message_is_stored_once_however_often_it_is_delivered()
    {
        var monitorId = Guid.NewGuid();
        var batch = new MonitorCheckedBatch(Guid.NewGuid(), ResultsFor(monitorId, 300));
        var bus = Service.Services.GetRequiredService<IBus>();
        var receivedBefore = await MetricAsync("sentinel_results_received_total");

        await bus.Publish(batch);
        await bus.Publish(batch);

        await Poll.UntilAsync(() => MetricAsync("sentinel_results_received_total"), n => n >= receivedBefore + 600,
            TimeSpan.FromSeconds(30), "both copies of the batch to be consumed");
        Assert.That(await StoredAsync(monitorId), Is.EqualTo(300));
    }

    [Test]
    public async Task A_packed_message_is_stored_with_its_values_once_however_often_it_is_delivered()
    {
        var monitorId = Guid.NewGuid();
        var results = ResultsFor(monitorId, 300);
        var packed = MonitorCheckedPacked.Pack(Guid.NewGuid(), results);
        var bus = Service.Services.GetRequiredService<IBus>();

        await bus.Publish(packed);
        await Poll.UntilAsync(() => StoredAsync(monitorId), n => n >= 300, TimeSpan.FromSeconds(30), "300 stored results");
        var receivedBefore = await MetricAsync("sentinel_results_received_total");
        await bus.Publish(packed); // as after a lost acknowledgement
        await Poll.UntilAsync(() => MetricAsync("sentinel_results_received_total"), n => n >= receivedBefore + 300,
            TimeSpan.FromSeconds(30), "the redelivered message to be consumed");

        Assert.That(await StoredAsync(monitorId), Is.EqualTo(300));
        var down = results.First(r => !r.Up);
        Assert.That(await Database.CountAsync($"""
            select count(*) from telemetry.ping_results
            where check_id = '{down.CheckId}' and tenant_id = '{down.TenantId}' and not up and status_code is null
              and error = 'connection refused' and latency_ms = {down.LatencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture)}
              and due_at = '{down.DueAt:O}' and checked_at = '{down.CheckedAt:O}'
            """), Is.EqualTo(1));
    }

    [Test]
    public async Task A_batch_keeps_each_results_location_and_unknown_flag_and_the_results_api_returns_them()
    {
        var (tenantId, monitorId) = (Guid.NewGuid(), Guid.NewGuid());
        var results = ResultsFor(monitorId, 3)
            .Select((r, i) => r with { TenantId = tenantId, Location = i == 0 ? null : "eu-west", Unknown = i == 2 })
            .ToList();
        var bus = Service.Services.GetRequiredService<IBus>();

        await bus.Publish(MonitorCheckedPacked.Pack(Guid.NewGuid(), results));

        await Poll.UntilAsync(() => StoredAsync(monitorId), n => n >= 3, TimeSpan.FromSeconds(30), "3 stored results");
        var page = await Client.GetFromJsonAsync<ResultsPage>($"/internal/tenants/{tenantId}/monitors/{monitorId}/results");
        Assert.That(page!.Items.Select(i => (i.CheckId, i.Location, i.Unknown)), Is.EqualTo(new[]
        {
            (results[2].CheckId, (string?)"eu-west", true),
            (results[1].CheckId, "eu-west", false),
            (results[0].CheckId, null, false),
        }));
    }

    [Test]
    public async Task Results_are_consumed_from_the_telemetry_ingest_queue()
    {
        using var management = new HttpClient { BaseAddress = TestInfrastructure.RabbitManagement };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestInfrastructure.RabbitUser}:{TestInfrastructure.RabbitPassword}")));

        var response = await management.GetAsync(
            $"api/queues/{Uri.EscapeDataString(VirtualHost.Name)}/telemetry-ingest-monitor-checked");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
