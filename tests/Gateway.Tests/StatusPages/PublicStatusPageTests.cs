using System.Diagnostics;
using System.Net;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Contracts;
using Sentinel.Gateway.Monitors;
using Sentinel.Gateway.StatusPages;
using Sentinel.Gateway.Tenants;
using Sentinel.Gateway.Tests.Events;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.StatusPages;

/// The public page as a client without JavaScript (curl, a search engine, a screen reader) gets it.
public sealed class PublicStatusPageTests
{
    FakeOwners owners = null!;
    WebApplicationFactory<Program> gateway = null!;
    HttpClient api = null!;
    HttpClient anonymous = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        owners = await FakeOwners.StartAsync();
        gateway = Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Services:TelemetryIngest", owners.Url);
            b.UseSetting("Services:AlertEvaluation", owners.Url);
            b.UseSetting("StatusPages:OwnerTimeoutSeconds", "2");
        });
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

    [SetUp]
    public void Reset()
    {
        owners.Hang = false;
        owners.BadDays.Clear();
        owners.OpenIncidents.Clear();
    }

    /// A page with two groups: "API" (the checkout monitor, down) and "Web" (the site, up).
    async Task<(StatusPageResponse Page, MonitorResponse Checkout, MonitorResponse Site)> PageAsync()
    {
        var checkout = await Monitors.MonitorEndpointsTests.CreateAsync(api,
            new { name = "Checkout <API>", type = "http", url = "https://example.com/checkout", tags = new[] { "shop" } });
        var site = await Monitors.MonitorEndpointsTests.CreateAsync(api, new { name = "Website", type = "http", url = "https://example.com/" });
        await Db.ExecuteAsync($"update gateway.monitors set status = 'down' where id = '{checkout.Id}'");
        await Db.ExecuteAsync($"update gateway.monitors set status = 'up' where id = '{site.Id}'");
        var page = await StatusPageEndpointsTests.CreateAsync(api, new
        {
            slug = StatusPageEndpointsTests.UniqueSlug(), title = "Acme <Status> & co", description = "Live \"status\"",
            groups = new[]
            {
                new { name = "API", monitorIds = new[] { checkout.Id } },
                new { name = "Web", monitorIds = new[] { site.Id } },
            },
        });
        return (page, checkout, site);
    }

    static async Task<string> PublicIdAsync(Guid monitorId)
    {
        await using var db = NewCatalog();
        return db.Monitors.Where(m => m.Id == monitorId).Select(m => m.PublicId).Single();
    }

    [Test]
    public async Task The_page_is_complete_html_without_javascript()
    {
        owners.BadDays[2] = 97.5;
        var (page, checkout, _) = await PageAsync();
        owners.OpenIncidents.Add(new
        {
            id = Guid.CreateVersion7(), monitorId = checkout.Id, monitorName = checkout.Name, status = "open", error = "HTTP 503 <b>",
            firstFailureAt = DateTimeOffset.UtcNow.AddMinutes(-5), openedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
            resolvedAt = (DateTimeOffset?)null, durationSeconds = (long?)null,
        });

        var response = await anonymous.GetAsync(page.Url);
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=10"));
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("script-src 'sha256-"));
            Assert.That(html, Does.Contain("Acme &lt;Status&gt; &amp; co"), "the title, encoded");
            Assert.That(html, Does.Not.Contain("<Status>"));
            Assert.That(html, Does.Contain("Checkout &lt;API&gt;"));
            Assert.That(html, Does.Contain("Website"));
            Assert.That(html, Does.Contain("<h2>API</h2>").And.Contain("<h2>Web</h2>"));
            Assert.That(html, Does.Contain("state state-down\">Down<").And.Contain("state state-up\">Operational<"));
            Assert.That(html, Does.Contain("Partial outage"));
            Assert.That(Count(html, "class=\"bar "), Is.EqualTo(180), "90 days for each of two monitors");
            Assert.That(Count(html, "bar bar-partial"), Is.EqualTo(2), "the day at 97.5% on both");
            Assert.That(html, Does.Contain("HTTP 503 &lt;b&gt;"), "the open incident, encoded");
            Assert.That(html, Does.Contain("Last updated"));
            Assert.That(html, Does.Not.Contain(checkout.Id.ToString()), "internal ids stay private");
        });
        Assert.That(html, Does.Contain($"data-monitor=\"{await PublicIdAsync(checkout.Id)}\""));
        Assert.That(owners.Requests, Has.Some.Contains($"/monitors/{checkout.Id}/stats?window=90d&series=1d"));
    }

    [Test]
    public async Task The_json_form_carries_the_same_state_for_machines()
    {
        var (page, checkout, site) = await PageAsync();

        var json = await anonymous.GetFromJsonAsync<JsonElement>($"{page.Url}.json");

        var monitors = json.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("monitors").EnumerateArray()).ToList();
        var checkoutPublicId = await PublicIdAsync(checkout.Id);
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("title").GetString(), Is.EqualTo("Acme <Status> & co"));
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("partial-outage"));
            Assert.That(monitors.Select(m => m.GetProperty("status").GetString()), Is.EqualTo(new[] { "down", "up" }));
            Assert.That(monitors[0].GetProperty("id").GetString(), Is.EqualTo(checkoutPublicId));
            Assert.That(monitors[1].GetProperty("days").GetArrayLength(), Is.EqualTo(90));
            Assert.That(monitors[1].GetProperty("uptimePercent").GetDouble(), Is.EqualTo(100));
            Assert.That(json.GetProperty("historyAvailable").GetBoolean(), Is.True);
            Assert.That(json.GetProperty("incidents").GetArrayLength(), Is.EqualTo(0));
        });
        Assert.That(json.ToString(), Does.Not.Contain(site.Id.ToString()));
    }

    [Test]
    public async Task Maintenance_windows_over_the_pages_monitors_are_shown()
    {
        var (page, _, site) = await PageAsync(); // the checkout monitor carries the tag "shop"
        var now = DateTimeOffset.UtcNow;
        (await api.PostAsJsonAsync("/api/v1/maintenance-windows", new
        {
            name = "Database upgrade", monitorIds = new[] { site.Id }, startsAt = now.AddHours(2), endsAt = now.AddHours(3),
        })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/maintenance-windows", new
        {
            name = "Shop freeze", tags = new[] { "shop" }, startsAt = now.AddMinutes(-5), endsAt = now.AddHours(1),
        })).EnsureSuccessStatusCode();

        var html = await anonymous.GetStringAsync(page.Url);

        Assert.That(html, Does.Contain("Database upgrade").And.Contain("scheduled"));
        Assert.That(html, Does.Contain("Shop freeze").And.Contain("in progress"));
    }

    [Test]
    public async Task History_days_shorter_than_90_show_that_many_bars()
    {
        var site = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        var page = await StatusPageEndpointsTests.CreateAsync(api, new
        {
            slug = StatusPageEndpointsTests.UniqueSlug(), title = "Short", historyDays = 30,
            groups = new[] { new { name = "All", monitorIds = new[] { site.Id } } },
        });

        var html = await anonymous.GetStringAsync(page.Url);

        Assert.That(Count(html, "class=\"bar "), Is.EqualTo(30));
    }

    [Test]
    public async Task The_page_is_served_from_a_short_cache()
    {
        var (page, checkout, _) = await PageAsync();
        await anonymous.GetStringAsync(page.Url);
        var asked = owners.Requests.Count(r => r.Contains(checkout.Id.ToString()));

        await anonymous.GetStringAsync(page.Url);
        await anonymous.GetStringAsync($"{page.Url}.json");

        Assert.That(owners.Requests.Count(r => r.Contains(checkout.Id.ToString())), Is.EqualTo(asked));
    }

    [Test]
    public async Task An_owner_that_hangs_costs_seconds_and_the_page_says_history_unavailable()
    {
        owners.Hang = true;
        var (page, _, _) = await PageAsync();

        var watch = Stopwatch.StartNew();
        var response = await anonymous.GetAsync(page.Url);
        watch.Stop();
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(html, Does.Contain("History unavailable"));
        Assert.That(html, Does.Contain("Incidents unavailable"));
        Assert.That(html, Does.Contain("Checkout &lt;API&gt;"), "current states come from the Gateway itself");
    }

    [Test]
    public async Task An_owner_that_is_down_still_gives_a_page()
    {
        await using var deadOwners = Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Services:TelemetryIngest", DeadUrl());
            b.UseSetting("Services:AlertEvaluation", DeadUrl());
        });
        using var client = Client(deadOwners, null);
        var (page, _, _) = await PageAsync();

        var response = await client.GetAsync(page.Url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("History unavailable"));
        var json = await client.GetFromJsonAsync<JsonElement>($"{page.Url}.json");
        Assert.That(json.GetProperty("historyAvailable").GetBoolean(), Is.False);
    }

    [Test]
    public async Task Unknown_and_non_public_pages_are_404()
    {
        var hidden = await StatusPageEndpointsTests.CreateAsync(api, new { slug = StatusPageEndpointsTests.UniqueSlug(), title = "Hidden", @public = false });

        Assert.That((await anonymous.GetAsync("/status/no-such-page")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await anonymous.GetAsync("/status/no-such-page.json")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await anonymous.GetAsync(hidden.Url)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_custom_domain_serves_its_page_at_the_root()
    {
        var domain = $"{StatusPageEndpointsTests.UniqueSlug("status")}.example.com";
        var page = await StatusPageEndpointsTests.CreateAsync(api, new { slug = StatusPageEndpointsTests.UniqueSlug(), title = "Domain page", customDomain = domain });

        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = domain;
        var response = await anonymous.SendAsync(request);
        var other = new HttpRequestMessage(HttpMethod.Get, "/");
        other.Headers.Host = "unknown.example.com";

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Domain page"));
        Assert.That((await anonymous.SendAsync(other)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(page.CustomDomain, Is.EqualTo(domain));
    }

    [Test]
    public async Task The_public_event_stream_carries_status_changes_of_the_pages_monitors_only()
    {
        var (page, checkout, _) = await PageAsync();
        var outsider = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        var bus = gateway.Services.GetRequiredService<IBus>();
        await using var stream = await SseStream.OpenAsync(anonymous, $"{page.Url}/events");

        await bus.Publish(new MonitorStatusChanged(outsider.Id, BootstrapApiKey.DefaultTenantId, "down", "up", null, "secret", DateTimeOffset.UtcNow));
        await bus.Publish(new MonitorStatusChanged(checkout.Id, BootstrapApiKey.DefaultTenantId, "up", "down", null, null, DateTimeOffset.UtcNow));

        var e = await stream.NextAsync();
        Assert.That(e.Type, Is.EqualTo("status"));
        Assert.That(e.Json.GetProperty("monitor").GetString(), Is.EqualTo(await PublicIdAsync(checkout.Id)));
        Assert.That(e.Json.GetProperty("status").GetString(), Is.EqualTo("up"));
        Assert.That(e.Data, Does.Not.Contain(checkout.Id.ToString()));
    }

    [Test]
    public async Task A_change_between_the_cached_render_and_the_scripts_connection_is_not_lost()
    {
        var (page, checkout, _) = await PageAsync();
        var html = await anonymous.GetStringAsync(page.Url);
        var eventsUrl = System.Text.RegularExpressions.Regex.Match(html, "data-events=\"([^\"]+)\"").Groups[1].Value;
        Assert.That(eventsUrl, Does.StartWith($"{page.Url}/events?after="));
        var bus = gateway.Services.GetRequiredService<IBus>();
        await using (var watcher = await SseStream.OpenAsync(anonymous, $"{page.Url}/events"))
        {
            await bus.Publish(new MonitorStatusChanged(checkout.Id, BootstrapApiKey.DefaultTenantId, "up", "down", null, null, DateTimeOffset.UtcNow));
            await watcher.NextAsync();
        }

        await using var late = await SseStream.OpenAsync(anonymous, System.Net.WebUtility.HtmlDecode(eventsUrl));
        var replayed = await late.NextAsync(TimeSpan.FromSeconds(5));

        Assert.That(replayed.Json.GetProperty("status").GetString(), Is.EqualTo("up"));
    }

    [Test]
    public async Task A_monitor_in_two_groups_shows_in_both_and_streams_once()
    {
        var site = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        var page = await StatusPageEndpointsTests.CreateAsync(api, new
        {
            slug = StatusPageEndpointsTests.UniqueSlug(), title = "Twice",
            groups = new[] { new { name = "One", monitorIds = new[] { site.Id } }, new { name = "Two", monitorIds = new[] { site.Id } } },
        });

        var html = await anonymous.GetStringAsync(page.Url);
        await using var stream = await SseStream.OpenAsync(anonymous, $"{page.Url}/events");
        await gateway.Services.GetRequiredService<IBus>().Publish(
            new MonitorStatusChanged(site.Id, BootstrapApiKey.DefaultTenantId, "down", "up", null, null, DateTimeOffset.UtcNow));

        Assert.That(Count(html, "class=\"monitor\""), Is.EqualTo(2));
        Assert.That((await stream.NextAsync()).Json.GetProperty("status").GetString(), Is.EqualTo("down"));
    }

    static int Count(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
