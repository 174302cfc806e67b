using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.Gateway.Tenants;
using Sentinel.Gateway.Tests.Channels;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Slos;

public sealed class SloEndpointsTests
{
    FakeTelemetrySlos telemetry = null!;
    WebApplicationFactory<Program> gateway = null!;
    HttpClient api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        telemetry = await FakeTelemetrySlos.StartAsync();
        gateway = Factory.WithWebHostBuilder(b => b.UseSetting("Services:TelemetryIngest", telemetry.Url));
        api = Client(gateway, BootstrapSecret);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        api?.Dispose();
        if (gateway is not null)
            await gateway.DisposeAsync();
        if (telemetry is not null)
            await telemetry.DisposeAsync();
    }

    public static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/slos", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        return JsonDocument.Parse(text).RootElement;
    }

    static string UniqueTag() => "slo-" + Guid.NewGuid().ToString("N")[..8];

    [Test]
    public async Task A_monitor_SLO_gets_the_workbook_defaults_publishes_SloUpserted_and_reads_its_figures_from_Telemetry()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        var channel = await ChannelEndpointsTests.CreateAsync(api);

        var slo = await CreateAsync(api, new { name = "checkout availability", monitorId = monitor.Id, objectivePercent = 99.9, channelIds = new[] { channel.Id } });
        var id = slo.GetProperty("id").GetGuid();

        Assert.That(slo.GetProperty("windowDays").GetInt32(), Is.EqualTo(30));
        var alerts = slo.GetProperty("burnRateAlerts").EnumerateArray()
            .Select(a => (a.GetProperty("threshold").GetDouble(), a.GetProperty("longWindowMinutes").GetInt32(), a.GetProperty("shortWindowMinutes").GetInt32()))
            .ToList();
        Assert.That(alerts, Is.EqualTo(new[] { (14.4, 60, 5), (6.0, 360, 30) }));
        Assert.That(await Expect.OutboxAsync("SloUpserted", "sloId", id, 1), Is.EqualTo(1));
        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.outbox where body->>'sloId' = '{id}' and body->'burnRules'->0->>'longWindowSeconds' = '3600' " +
            "and body->'burnRules'->0->>'shortWindowSeconds' = '300'"), Is.EqualTo(1), "the event carries the rules in seconds");

        var read = await api.GetFromJsonAsync<JsonElement>($"/api/v1/slos/{id}");

        var (path, body) = telemetry.Requests.Last();
        Assert.That(path, Is.EqualTo($"/internal/tenants/{BootstrapApiKey.DefaultTenantId}/slo-figures"));
        Assert.That(body.GetProperty("monitorIds").EnumerateArray().Select(e => e.GetGuid()), Is.EqualTo(new[] { monitor.Id }));
        Assert.That(body.GetProperty("objectivePercent").GetDouble(), Is.EqualTo(99.9));
        Assert.That(body.GetProperty("windowDays").GetInt32(), Is.EqualTo(30));
        var status = read.GetProperty("status");
        Assert.Multiple(() =>
        {
            Assert.That(read.GetProperty("name").GetString(), Is.EqualTo("checkout availability"));
            Assert.That(status.GetProperty("attainedPercent").GetDouble(), Is.EqualTo(99.93055555555556));
            Assert.That(status.GetProperty("errorBudget").GetProperty("remainingSeconds").GetDouble(), Is.EqualTo(792.0));
            Assert.That(status.GetProperty("errorBudget").GetProperty("spentPercent").GetDouble(), Is.EqualTo(69.44444444444444));
            Assert.That(status.GetProperty("burnRates")[0].GetProperty("window").GetString(), Is.EqualTo("1h"));
            Assert.That(status.GetProperty("burnRates")[1].GetProperty("burnRate").GetDouble(), Is.EqualTo(8.333333333333334));
        });
    }

    [Test]
    public async Task A_tag_SLO_covers_exactly_the_callers_monitors_carrying_the_tag()
    {
        var tag = UniqueTag();
        var a = await Monitors.MonitorEndpointsTests.CreateAsync(api, new { name = "a", type = "http", url = "https://a.test", tags = new[] { tag, "x" } });
        var b = await Monitors.MonitorEndpointsTests.CreateAsync(api, new { name = "b", type = "http", url = "https://b.test", tags = new[] { tag } });
        await Monitors.MonitorEndpointsTests.CreateAsync(api, new { name = "c", type = "http", url = "https://c.test", tags = new[] { "x" } });
        using (var other = Client(OtherTenantSecret))
            await Monitors.MonitorEndpointsTests.CreateAsync(other, new { name = "theirs", type = "http", url = "https://d.test", tags = new[] { tag } });

        var slo = await CreateAsync(api, new { name = "fleet", tag, objectivePercent = 99.5, windowDays = 7, burnRateAlerts = Array.Empty<object>() });
        Assert.That(slo.GetProperty("burnRateAlerts").GetArrayLength(), Is.Zero, "an empty list means no burn-rate alerts");

        await api.GetFromJsonAsync<JsonElement>($"/api/v1/slos/{slo.GetProperty("id").GetGuid()}");

        var body = telemetry.Requests.Last().Body;
        Assert.That(body.GetProperty("monitorIds").EnumerateArray().Select(e => e.GetGuid()), Is.EquivalentTo(new[] { a.Id, b.Id }));
        Assert.That(body.GetProperty("windowDays").GetInt32(), Is.EqualTo(7));
    }

    static IEnumerable<TestCaseData> Invalid()
    {
        yield return new TestCaseData(new { name = "x", objectivePercent = 99.9 }, new[] { "monitorId" }).SetName("Neither monitor nor tag");
        yield return new TestCaseData(new { name = "x", tag = "a", monitorId = Guid.NewGuid(), objectivePercent = 99.9 }, new[] { "monitorId" }).SetName("Both monitor and tag");
        yield return new TestCaseData(new { name = "x", monitorId = Guid.NewGuid(), objectivePercent = 99.9 }, new[] { "monitorId" }).SetName("Unknown monitor");
        yield return new TestCaseData(new { name = "x", tag = "Not A Tag", objectivePercent = 99.9 }, new[] { "tag" }).SetName("Bad tag");
        yield return new TestCaseData(new { name = "", tag = "a", objectivePercent = 100.0, windowDays = 0 }, new[] { "name", "objectivePercent", "windowDays" }).SetName("Objective of 100, no name, no window");
        yield return new TestCaseData(new { name = "x", tag = "a" }, new[] { "objectivePercent" }).SetName("Missing objective");
        yield return new TestCaseData(new { name = "x", tag = "a", objectivePercent = 0.0, windowDays = 366 }, new[] { "objectivePercent", "windowDays" }).SetName("Objective 0 and window 366");
        yield return new TestCaseData(new { name = "x", tag = "a", objectivePercent = 99.0, burnRateAlerts = new[] { new { threshold = 14.4, longWindowMinutes = 60, shortWindowMinutes = 60 } } },
            new[] { "burnRateAlerts[0].shortWindowMinutes" }).SetName("Short window not shorter than the long one");
        yield return new TestCaseData(new { name = "x", tag = "a", objectivePercent = 99.0, windowDays = 1, burnRateAlerts = new[] { new { threshold = 0.0, longWindowMinutes = 2000, shortWindowMinutes = 5 } } },
            new[] { "burnRateAlerts[0].threshold", "burnRateAlerts[0].longWindowMinutes" }).SetName("Threshold 0 and long window beyond the SLO window");
        yield return new TestCaseData(new { name = "x", tag = "a", objectivePercent = 99.0, channelIds = new[] { Guid.NewGuid() } }, new[] { "channelIds" }).SetName("Unknown channel");
    }

    [TestCaseSource(nameof(Invalid))]
    public async Task An_invalid_SLO_is_a_validation_problem_and_nothing_is_stored(object body, string[] fields)
    {
        var slos = await Db.CountAsync("select count(*) from gateway.slos");
        var response = await Expect.NothingStoredAsync(() => api.PostAsJsonAsync("/api/v1/slos", body));
        await Expect.ValidationAsync(response, fields);
        Assert.That(await Db.CountAsync("select count(*) from gateway.slos"), Is.EqualTo(slos));
    }

    [Test]
    public async Task Another_tenants_channel_cannot_be_named()
    {
        using var other = Client(OtherTenantSecret);
        var theirs = await ChannelEndpointsTests.CreateAsync(other);
        var response = await api.PostAsJsonAsync("/api/v1/slos", new { name = "x", tag = "a", objectivePercent = 99.0, channelIds = new[] { theirs.Id } });
        await Expect.ValidationAsync(response, "channelIds");
    }

    [Test]
    public async Task Replace_and_delete_publish_new_versions_and_another_tenant_sees_nothing()
    {
        var tag = UniqueTag();
        var slo = await CreateAsync(api, new { name = "v1", tag, objectivePercent = 99.0 });
        var id = slo.GetProperty("id").GetGuid();
        using var other = Client(OtherTenantSecret);

        Assert.That((await other.GetAsync($"/api/v1/slos/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        await Expect.ProblemAsync(await other.PutAsJsonAsync($"/api/v1/slos/{id}", new { name = "mine", tag, objectivePercent = 90.0 }),
            HttpStatusCode.NotFound, "https://sentinel.dev/problems/not-found");
        Assert.That((await other.DeleteAsync($"/api/v1/slos/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var theirList = await other.GetFromJsonAsync<JsonElement>("/api/v1/slos");
        Assert.That(theirList.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()), Does.Not.Contain(id));

        var replaced = await api.PutAsJsonAsync($"/api/v1/slos/{id}", new
        {
            name = "v2", tag, objectivePercent = 99.95, windowDays = 28,
            burnRateAlerts = new[] { new { threshold = 10.0, longWindowMinutes = 120, shortWindowMinutes = 10 } },
        });
        var text = await replaced.Content.ReadAsStringAsync();
        Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(await Expect.OutboxAsync("SloUpserted", "sloId", id, 2), Is.EqualTo(1));
        var mine = await api.GetFromJsonAsync<JsonElement>("/api/v1/slos?limit=200");
        var listed = mine.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == id);
        Assert.That((listed.GetProperty("name").GetString(), listed.GetProperty("objectivePercent").GetDouble(), listed.GetProperty("windowDays").GetInt32()),
            Is.EqualTo(("v2", 99.95, 28)));

        Assert.That((await api.DeleteAsync($"/api/v1/slos/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Expect.OutboxAsync("SloDeleted", "sloId", id, 3), Is.EqualTo(1));
        Assert.That((await api.GetAsync($"/api/v1/slos/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Deleting_a_monitor_deletes_its_SLOs_and_publishes_SloDeleted()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        var slo = await CreateAsync(api, new { name = "goes with it", monitorId = monitor.Id, objectivePercent = 99.0 });
        var kept = await CreateAsync(api, new { name = "stays", tag = UniqueTag(), objectivePercent = 99.0 });
        var id = slo.GetProperty("id").GetGuid();

        Assert.That((await api.DeleteAsync($"/api/v1/monitors/{monitor.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        Assert.That((await api.GetAsync($"/api/v1/slos/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Expect.OutboxAsync("SloDeleted", "sloId", id, 2), Is.EqualTo(1));
        Assert.That((await api.GetAsync($"/api/v1/slos/{kept.GetProperty("id").GetGuid()}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_read_only_key_reads_SLOs_but_cannot_write_them()
    {
        var slo = await CreateAsync(api, new { name = "ro", tag = UniqueTag(), objectivePercent = 99.0 });
        using var reader = Client(gateway, ReadOnlySecret);

        var write = await Expect.NothingStoredAsync(() => reader.PostAsJsonAsync("/api/v1/slos", new { name = "ro2", tag = "a", objectivePercent = 99.0 }));
        await Expect.ProblemAsync(write, HttpStatusCode.Forbidden, "https://sentinel.dev/problems/forbidden");
        Assert.That((await reader.GetAsync($"/api/v1/slos/{slo.GetProperty("id").GetGuid()}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_channel_an_SLO_pages_cannot_be_deleted()
    {
        var channel = await ChannelEndpointsTests.CreateAsync(api);
        await CreateAsync(api, new { name = "pages it", tag = UniqueTag(), objectivePercent = 99.0, channelIds = new[] { channel.Id } });

        var response = await api.DeleteAsync($"/api/v1/channels/{channel.Id}");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "https://sentinel.dev/problems/conflict");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("pages it"));
    }

    [Test]
    public async Task Figures_while_Telemetry_Ingest_is_down_are_a_503_problem_naming_it()
    {
        // The suite's own Gateway points Telemetry-Ingest at a port nothing listens on.
        using var client = Client(BootstrapSecret);
        var slo = await CreateAsync(client, new { name = "down", tag = UniqueTag(), objectivePercent = 99.0 });

        var response = await client.GetAsync($"/api/v1/slos/{slo.GetProperty("id").GetGuid()}");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "https://sentinel.dev/problems/dependency-unavailable");
        Assert.That(problem.GetProperty("service").GetString(), Is.EqualTo("telemetry-ingest"));
    }

    [Test]
    public async Task An_imported_SLO_must_name_an_existing_monitor_and_valid_figures()
    {
        const string file = """
            slos:
            - name: ghostly
              monitor: no-such-monitor
              objectivePercent: 99.9
            - name: greedy
              tag: prod
              objectivePercent: 100
            """;
        var response = await Expect.NothingStoredAsync(() =>
            api.PostAsync("/api/v1/import", new StringContent(file, System.Text.Encoding.UTF8, "application/yaml")));

        var problem = await Expect.ValidationAsync(response, "slos[0].monitor", "slos[1].objectivePercent");
        Assert.That(problem.GetProperty("errors").GetProperty("slos[0].monitor")[0].GetString(), Does.Contain("no-such-monitor"));
    }
}
