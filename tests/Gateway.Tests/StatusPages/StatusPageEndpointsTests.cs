using System.Net;
using Sentinel.Gateway.StatusPages;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.StatusPages;

public sealed class StatusPageEndpointsTests
{
    HttpClient api = null!;

    [SetUp]
    public void Connect() => api = Client(BootstrapSecret);

    [TearDown]
    public void Disconnect() => api.Dispose();

    public static string UniqueSlug(string prefix = "page") => $"{prefix}-{Guid.NewGuid():N}"[..30];

    public static async Task<StatusPageResponse> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/status-pages", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<StatusPageResponse>())!;
    }

    [Test]
    public async Task Create_fills_defaults_and_the_page_reads_back()
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api);
        var slug = UniqueSlug();

        var created = await CreateAsync(api, new
        {
            slug, title = " Acme status ", description = "Our services", groups = new[] { new { name = "Core", monitorIds = new[] { monitor.Id } } },
        });
        var read = await api.GetFromJsonAsync<StatusPageResponse>($"/api/v1/status-pages/{created.Id}");

        Assert.Multiple(() =>
        {
            Assert.That(created.Slug, Is.EqualTo(slug));
            Assert.That(created.Title, Is.EqualTo("Acme status"));
            Assert.That(created.HistoryDays, Is.EqualTo(90));
            Assert.That(created.Public, Is.True);
            Assert.That(created.CustomDomain, Is.Null);
            Assert.That(created.Url, Is.EqualTo($"/status/{slug}"));
            Assert.That(created.Groups.Single().MonitorIds, Is.EqualTo(new[] { monitor.Id }));
            Assert.That((read!.Id, read.Slug, read.Title, read.Description), Is.EqualTo((created.Id, slug, "Acme status", "Our services")));
            Assert.That(read.Groups.Single().Name, Is.EqualTo("Core"));
        });
    }

    [Test]
    public async Task Invalid_pages_are_rejected_with_every_field_named_and_nothing_is_stored()
    {
        using var other = Client(OtherTenantSecret);
        var theirs = await Monitors.MonitorEndpointsTests.CreateAsync(other);
        var before = await Db.CountAsync("select count(*) from gateway.status_pages");

        var response = await api.PostAsJsonAsync("/api/v1/status-pages", new
        {
            slug = "Not A Slug!", title = "", historyDays = 91, customDomain = "https://status.example.com/x",
            groups = new object[] { new { name = "", monitorIds = Array.Empty<Guid>() }, new { name = "Theirs", monitorIds = new[] { theirs.Id } } },
        });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[]
        {
            "slug", "title", "historyDays", "customDomain", "groups[0].name", "groups[0].monitorIds",
        }));
        Assert.That(await Db.CountAsync("select count(*) from gateway.status_pages"), Is.EqualTo(before));

        // Another tenant's monitor is reported only once the rest is valid, as a missing monitor (never leaked).
        var foreign = await api.PostAsJsonAsync("/api/v1/status-pages", new
        {
            slug = UniqueSlug(), title = "t", groups = new[] { new { name = "Theirs", monitorIds = new[] { theirs.Id } } },
        });
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await foreign.Content.ReadAsStringAsync()), Does.Contain("groups[0].monitorIds").And.Contain("does not exist"));
    }

    [Test]
    public async Task A_slug_or_custom_domain_already_used_by_any_tenant_is_409()
    {
        using var other = Client(OtherTenantSecret);
        var slug = UniqueSlug();
        var domain = $"{UniqueSlug("status")}.example.com";
        await CreateAsync(other, new { slug, title = "Theirs", customDomain = domain });

        var sameSlug = await api.PostAsJsonAsync("/api/v1/status-pages", new { slug, title = "Mine" });
        var sameDomain = await api.PostAsJsonAsync("/api/v1/status-pages", new { slug = UniqueSlug(), title = "Mine", customDomain = domain.ToUpperInvariant() });

        Assert.That(sameSlug.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(sameDomain.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await sameSlug.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(),
            Is.EqualTo("https://sentinel.dev/problems/conflict"));
    }

    [Test]
    public async Task Replace_list_and_delete_work_and_another_tenants_page_is_404()
    {
        using var other = Client(OtherTenantSecret);
        var page = await CreateAsync(api, new { slug = UniqueSlug(), title = "Before" });
        var newSlug = UniqueSlug();

        var replaced = await api.PutAsJsonAsync($"/api/v1/status-pages/{page.Id}", new { slug = newSlug, title = "After", historyDays = 30 });
        Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var after = (await replaced.Content.ReadFromJsonAsync<StatusPageResponse>())!;
        Assert.That((after.Slug, after.Title, after.HistoryDays), Is.EqualTo((newSlug, "After", 30)));

        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/status-pages?limit=500");
        Assert.That(list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()), Has.Member(page.Id));
        var theirList = await other.GetFromJsonAsync<JsonElement>("/api/v1/status-pages?limit=500");
        Assert.That(theirList.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()), Has.No.Member(page.Id));

        Assert.That((await other.GetAsync($"/api/v1/status-pages/{page.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.PutAsJsonAsync($"/api/v1/status-pages/{page.Id}", new { slug = UniqueSlug(), title = "x" })).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.DeleteAsync($"/api/v1/status-pages/{page.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        Assert.That((await api.DeleteAsync($"/api/v1/status-pages/{page.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await api.GetAsync($"/api/v1/status-pages/{page.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_read_only_key_can_read_pages_but_not_write_them()
    {
        using var reader = Client(ReadOnlySecret);

        Assert.That((await reader.GetAsync("/api/v1/status-pages")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await reader.PostAsJsonAsync("/api/v1/status-pages", new { slug = UniqueSlug(), title = "x" })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
