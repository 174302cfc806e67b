using System.Net;
using System.Net.Http.Json;
using Sentinel.TelemetryIngest.Stats;
using static Sentinel.TelemetryIngest.Tests.TelemetryEnvironment;

namespace Sentinel.TelemetryIngest.Tests.Stats;

public sealed class GetStatsTests
{
    static string Url(Guid tenantId, Guid monitorId, string query = "") =>
        $"/internal/tenants/{tenantId}/monitors/{monitorId}/stats{query}";

    [Test]
    public async Task The_last_hour_of_results_is_served_over_internal_http()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        // Three up results and one down result in the last hour of the real clock, one result before it.
        await Database.ExecuteAsync($"""
            insert into telemetry.ping_results (check_id, monitor_id, tenant_id, up, latency_ms, due_at, checked_at)
            select gen_random_uuid(), '{monitor}', '{tenant}', m <> 20, m, now() - interval '1 minute' * m, now()
            from unnest(array[5, 10, 15, 20, 90]) m
            """);

        var response = await Client.GetAsync(Url(tenant, monitor, "?window=1h&series=1h"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var stats = (await response.Content.ReadFromJsonAsync<MonitorStats>())!;
        Assert.That((stats.MonitorId, stats.Window, stats.Checks, stats.UpChecks), Is.EqualTo((monitor, "1h", 4L, 3L)));
        Assert.That(stats.UptimePercent, Is.EqualTo(75));
        Assert.That(stats.DowntimeSeconds, Is.EqualTo(300).Within(1), "down from minute 20 until the up result at minute 15");
        Assert.That(stats.Latency, Is.EqualTo(new LatencyStats(5, 10, 15, 10, 14.5, 14.9)));
        Assert.That(stats.Buckets!.Sum(b => b.Checks), Is.EqualTo(4));
    }

    [TestCase("?window=2d")]
    [TestCase("?window=365d&series=1h")]
    [TestCase("?series=weekly")]
    public async Task Bad_query_values_are_answered_with_a_validation_problem(string query)
    {
        var response = await Client.GetAsync(Url(Guid.NewGuid(), Guid.NewGuid(), query));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }
}
