using System.Net;
using System.Net.Http.Json;
using Sentinel.TelemetryIngest.Results;
using static Sentinel.TelemetryIngest.Tests.TelemetryEnvironment;

namespace Sentinel.TelemetryIngest.Tests.Results;

public sealed class GetResultsTests
{
    static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// Rows straight into the table: these tests are about reading, and need exact due_at/checked_at values (including ties).
    static Task SeedAsync(Guid tenantId, Guid monitorId, int minutes, int perMinute = 1) =>
        Database.ExecuteAsync($"""
            insert into telemetry.ping_results
                (check_id, monitor_id, tenant_id, up, status_code, latency_ms, error, due_at, checked_at)
            select gen_random_uuid(), '{monitorId}', '{tenantId}', true, 200, 12.5, null, t, t + interval '50 milliseconds'
            from generate_series(timestamptz '{Start:O}', timestamptz '{Start:O}' + interval '1 minute' * ({minutes} - 1),
                                 interval '1 minute') t
            cross join generate_series(1, {perMinute})
            """);

    static string Url(Guid tenantId, Guid monitorId, string query = "") =>
        $"/internal/tenants/{tenantId}/monitors/{monitorId}/results{query}";

    static async Task<ResultsPage> GetPageAsync(string url)
    {
        var response = await Client.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ResultsPage>())!;
    }

    [Test]
    public async Task Only_the_tenants_own_results_are_returned_newest_first()
    {
        var (tenant, otherTenant, monitor) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await SeedAsync(tenant, monitor, 3);
        await SeedAsync(otherTenant, monitor, 5);

        var page = await GetPageAsync(Url(tenant, monitor));

        Assert.That(page.Items, Has.Count.EqualTo(3));
        Assert.That(page.Items.Select(i => i.DueAt), Is.Ordered.Descending);
        Assert.That(page.Items[0].CheckedAt, Is.EqualTo(Start.AddMinutes(2).AddMilliseconds(50)));
        Assert.That(page.Items[0], Has.Property(nameof(ResultItem.Up)).True
            .And.Property(nameof(ResultItem.StatusCode)).EqualTo(200)
            .And.Property(nameof(ResultItem.LatencyMs)).EqualTo(12.5)
            .And.Property(nameof(ResultItem.DueAt)).EqualTo(Start.AddMinutes(2)));
        Assert.That(page.NextCursor, Is.Null);
        Assert.That((await GetPageAsync(Url(Guid.NewGuid(), monitor))).Items, Is.Empty);
    }

    [Test]
    public async Task From_is_inclusive_and_to_is_exclusive_on_due_at()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        await SeedAsync(tenant, monitor, 10);
        // Between due and checked times (checked 50 ms after due): on checked_at this window would be 3..6.
        var from = Start.AddMinutes(4);
        var to = Start.AddMinutes(7).AddMilliseconds(10);

        var page = await GetPageAsync(Url(tenant, monitor,
            $"?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}"));

        Assert.That(page.Items.Select(i => i.DueAt),
            Is.EqualTo(new[] { 7, 6, 5, 4 }.Select(m => Start.AddMinutes(m))));
    }

    [Test]
    public async Task The_cursor_pages_through_every_result_exactly_once()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        await SeedAsync(tenant, monitor, 60, perMinute: 2); // two rows per due_at, so some page ends inside a tie

        var seen = new List<ResultItem>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await GetPageAsync(Url(tenant, monitor, "?limit=45" + (cursor is null ? "" : $"&cursor={cursor}")));
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null && pages < 10);

        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen, Has.Count.EqualTo(120));
        Assert.That(seen.Select(i => i.CheckId), Is.Unique);
        Assert.That(seen.Select(i => i.DueAt), Is.Ordered.Descending);
    }

    [Test]
    public async Task Limit_defaults_to_fifty()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        await SeedAsync(tenant, monitor, 60);

        var page = await GetPageAsync(Url(tenant, monitor));

        Assert.That(page.Items, Has.Count.EqualTo(50));
        Assert.That(page.NextCursor, Is.Not.Null);
    }

    [TestCase("?limit=0")]
    [TestCase("?limit=501")]
    [TestCase("?limit=ten")]
    [TestCase("?from=yesterday")]
    [TestCase("?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z")]
    [TestCase("?cursor=not-a-cursor")]
    public async Task Bad_query_values_are_answered_with_a_validation_problem(string query)
    {
        var response = await Client.GetAsync(Url(Guid.NewGuid(), Guid.NewGuid(), query));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<Problem>();
        Assert.That(problem!.Errors, Is.Not.Empty);
    }

    sealed record Problem(int Status, Dictionary<string, string[]> Errors);
}
