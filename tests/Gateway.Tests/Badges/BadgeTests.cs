using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.Gateway.Badges;
using Sentinel.Gateway.Tests.StatusPages;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Badges;

public sealed class BadgeTests
{
    static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    FakeOwners owners = null!;
    WebApplicationFactory<Program> gateway = null!;
    HttpClient api = null!;
    HttpClient anonymous = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        owners = await FakeOwners.StartAsync();
        gateway = Factory.WithWebHostBuilder(b => b.UseSetting("Services:TelemetryIngest", owners.Url));
        api = Client(gateway, BootstrapSecret);
        anonymous = Client(gateway, null);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        api?.Dispose();
        anonymous?.Dispose();
        if (gateway is not null)
            await gateway.DisposeAsync();
        if (owners is not null)
            await owners.DisposeAsync();
    }

    async Task<MonitorBadgesResponse> BadgesAsync(string status = "up")
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        await Db.ExecuteAsync($"update gateway.monitors set status = '{status}' where id = '{monitor.Id}'");
        return (await api.GetFromJsonAsync<MonitorBadgesResponse>($"/api/v1/monitors/{monitor.Id}/badges"))!;
    }

    /// The badge parsed as XML: its value text and the fill of the value's rectangle.
    static async Task<(string Value, string Color, HttpResponseMessage Response)> FetchAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(svg.Root!.Name, Is.EqualTo(Svg + "svg"));
        var value = svg.Descendants(Svg + "text").Single(t => (string?)t.Attribute("id") == "value").Value;
        var color = (string)svg.Descendants(Svg + "rect").ElementAt(2).Attribute("fill")!;
        return (value, color, response);
    }

    [TestCase("up", "up", BadgeSvg.Green)]
    [TestCase("down", "down", BadgeSvg.Red)]
    [TestCase("new", "pending", BadgeSvg.Grey)]
    public async Task The_status_badge_shows_the_monitors_status_in_its_colour(string status, string text, string color)
    {
        var badges = await BadgesAsync(status);

        var (value, fill, response) = await FetchAsync(anonymous, new Uri(badges.Status).PathAndQuery);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/svg+xml"));
        Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=60"));
        Assert.That(response.Headers.ETag, Is.Not.Null);
        Assert.That((value, fill), Is.EqualTo((text, color)));
    }

    [Test]
    public async Task The_uptime_badge_shows_the_windows_uptime_and_colours_it_by_threshold()
    {
        var badges = await BadgesAsync();
        var path = new Uri(badges.Uptime).PathAndQuery;
        owners.UptimePercent = 99.95;

        var (value, fill, _) = await FetchAsync(anonymous, path.Replace("24h", "7d"));

        Assert.That((value, fill), Is.EqualTo(("99.95%", BadgeSvg.Green)));
        Assert.That(owners.Requests, Has.Some.EndsWith($"/stats?window=7d"));
        var svg = await anonymous.GetStringAsync(path.Replace("24h", "7d"));
        Assert.That(svg, Does.Contain(">uptime 7d<"));
    }

    [Test]
    public async Task The_response_time_badge_shows_the_average_latency()
    {
        var badges = await BadgesAsync();
        owners.AverageLatencyMs = 1234.4;

        var (value, fill, _) = await FetchAsync(anonymous, new Uri(badges.ResponseTime).PathAndQuery.Replace("24h", "30d"));

        Assert.That((value, fill), Is.EqualTo(("1234 ms", BadgeSvg.Orange)));
        owners.AverageLatencyMs = 123.4;
    }

    [Test]
    public async Task The_default_window_is_24h_and_an_unknown_window_is_400()
    {
        var badges = await BadgesAsync();
        var root = badges.Uptime[..badges.Uptime.IndexOf('?')];

        await FetchAsync(anonymous, new Uri(root).PathAndQuery);
        var bad = await anonymous.GetAsync(new Uri(root).PathAndQuery + "?window=1y");

        Assert.That(owners.Requests, Has.Some.Contains($"/stats?window=24h"));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(bad.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task An_unknown_public_id_is_a_404_badge()
    {
        var (value, _, response) = await FetchAsync(anonymous, $"/badge/{new string('a', 32)}/status.svg");
        var internalId = await Monitors.MonitorEndpointsTests.CreateAsync(api);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(value, Is.EqualTo("not found"));
        Assert.That((await anonymous.GetAsync($"/badge/{internalId.Id}/status.svg")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "the internal id is not a badge id");
        Assert.That((await anonymous.GetAsync($"/badge/{new string('b', 32)}/uptime.svg")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_matching_ETag_is_answered_with_304()
    {
        var badges = await BadgesAsync();
        var path = new Uri(badges.Status).PathAndQuery;
        var first = await anonymous.GetAsync(path);

        var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var second = await anonymous.SendAsync(again);

        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [Test]
    public async Task Badge_urls_belong_to_the_callers_monitor_only()
    {
        using var other = Client(OtherTenantSecret);
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);

        Assert.That((await other.GetAsync($"/api/v1/monitors/{monitor.Id}/badges")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var badges = await api.GetFromJsonAsync<MonitorBadgesResponse>($"/api/v1/monitors/{monitor.Id}/badges");
        Assert.That(badges!.PublicId, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(badges.Status, Does.EndWith($"/badge/{badges.PublicId}/status.svg"));
    }

    [Test]
    public async Task With_Telemetry_Ingest_down_the_stats_badges_turn_grey_instead_of_failing()
    {
        var badges = await BadgesAsync();
        await using var deadOwner = Factory.WithWebHostBuilder(b => b.UseSetting("Services:TelemetryIngest", DeadUrl()));
        using var client = Client(deadOwner, null);

        var (value, fill, response) = await FetchAsync(client, new Uri(badges.Uptime).PathAndQuery);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((value, fill), Is.EqualTo(("unavailable", BadgeSvg.Grey)));
        Assert.That(response.Headers.CacheControl?.MaxAge, Is.EqualTo(TimeSpan.FromSeconds(10)), "a degraded badge is kept briefly");
    }

    [Test]
    public async Task Badges_and_status_pages_are_rate_limited_per_source_address()
    {
        var badges = await BadgesAsync();
        await using var limited = Factory.WithWebHostBuilder(b => b.UseSetting("RateLimits:PublicPagesPerMinute", "3"));
        using var client = Client(limited, null);
        var path = new Uri(badges.Status).PathAndQuery;

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            codes.Add((await client.GetAsync(path)).StatusCode);
        var refused = await client.GetAsync("/status/any-page");

        Assert.That(codes, Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(refused.Headers.RetryAfter, Is.Not.Null);
    }
}
