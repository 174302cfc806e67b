using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Sentinel.Gateway.ApiKeys;
using Sentinel.Gateway.Tenants;
using static Sentinel.Gateway.Tests.GatewayFixture;
using static Sentinel.Gateway.Tests.StatusPages.StatusPageEndpointsTests;

namespace Sentinel.Gateway.Tests.ConfigAsCode;

/// Export and import of a tenant's whole configuration, each test in tenants of its own.
public sealed partial class ConfigAsCodeTests
{
    const string BearerToken = "tok-very-secret-1";
    const string BasicPassword = "pw-very-secret-2";
    const string SlackUrl = "https://hooks.slack.test/services/T0/B0/very-secret-3";
    const string HeaderValue = "Bearer very-secret-4";

    /// A tenant with one object of every kind, references between them, and secrets. Its status page's slug and domain
    /// are unique per call: both are global across tenants.
    static async Task<HttpClient> SeededTenantAsync()
    {
        var api = await NewTenantAsync();
        var hook = await CreateAsync(api, "channels", $$"""
            { "name": "ops-webhook", "type": "webhook",
              "settings": { "url": "https://hooks.test/ops", "headers": { "Authorization": "{{HeaderValue}}" } } }
            """);
        var slack = await CreateAsync(api, "channels", $$"""
            { "name": "slack", "type": "slack", "settings": { "webhookUrl": "{{SlackUrl}}", "channel": "#ops" } }
            """);
        var policy = await CreateAsync(api, "escalation-policies", $$"""
            { "name": "business-hours", "levels": [
                { "afterConsecutiveFailures": 2, "channelIds": ["{{hook}}"] },
                { "afterMinutes": 15, "channelIds": ["{{hook}}", "{{slack}}"] } ] }
            """);
        var web = await CreateAsync(api, "monitors", $$"""
            { "name": "web", "type": "http", "url": "https://web.test/health", "intervalSeconds": 30, "timeoutSeconds": 5,
              "headers": { "Accept": "application/json" }, "expectedStatus": ["200", "3xx"], "tags": ["prod", "web"],
              "conditions": ["[STATUS] == 200", "[BODY].status == \"UP\""], "bearerToken": "{{BearerToken}}",
              "channelIds": ["{{hook}}"], "escalationPolicyId": "{{policy}}", "failureThreshold": 3,
              "customMessage": "web is in trouble", "locations": ["eu-west", "us-east"], "quorum": 1 }
            """);
        var db = await CreateAsync(api, "monitors", $$"""
            { "name": "db", "type": "tcp", "host": "db.test", "port": 5432, "parentMonitorId": "{{web}}", "tags": ["prod"] }
            """);
        await CreateAsync(api, "monitors", $$"""
            { "name": "admin", "type": "http", "url": "https://admin.test", "basicAuth": { "username": "ops", "password": "{{BasicPassword}}" } }
            """);
        Assert.That((await api.PostAsync($"/api/v1/monitors/{db}/pause", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await CreateAsync(api, "alert-rules", $$"""
            { "name": "db-flaps", "monitorIds": ["{{db}}"], "tags": ["prod"], "consecutiveFailures": 5, "channelIds": ["{{slack}}"] }
            """);
        await CreateAsync(api, "maintenance-windows", $$"""
            { "name": "nightly", "tags": ["prod"], "cron": "0 3 * * *", "durationSeconds": 1800, "timeZone": "Europe/Berlin" }
            """);
        await CreateAsync(api, "maintenance-windows", $$"""
            { "name": "migration", "monitorIds": ["{{web}}"], "startsAt": "2030-05-01T22:00:00Z", "endsAt": "2030-05-02T02:00:00Z" }
            """);
        await CreateAsync(api, "status-pages", $$"""
            { "slug": "{{UniqueSlug("cfg")}}", "title": "Acme status", "description": "Public services: web & db\nupdated live",
              "groups": [ { "name": "Front", "monitorIds": ["{{web}}"] }, { "name": "Back end", "monitorIds": ["{{db}}", "{{web}}"] } ],
              "customDomain": "{{UniqueSlug("status")}}.example.test", "historyDays": 30, "public": false }
            """);
        await CreateAsync(api, "slos", $$"""
            { "name": "web-availability", "monitorId": "{{web}}", "objectivePercent": 99.9, "channelIds": ["{{slack}}"] }
            """);
        await CreateAsync(api, "slos", """
            { "name": "prod-fleet", "tag": "prod", "objectivePercent": 99.5, "windowDays": 7, "burnRateAlerts": [] }
            """);
        return api;
    }

    [Test]
    public async Task Export_names_objects_by_name_and_leaves_every_secret_out()
    {
        using var api = await SeededTenantAsync();

        var response = await api.GetAsync("/api/v1/export");
        var yaml = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/yaml"));
        foreach (var secret in new[] { BearerToken, BasicPassword, SlackUrl, HeaderValue, "very-secret" })
            Assert.That(yaml, Does.Not.Contain(secret));
        Assert.That(GuidPattern().IsMatch(yaml), Is.False, "ids must not appear: objects refer to each other by name\n" + yaml);
        Assert.That(yaml, Does.Contain("${secret:web/bearerToken}").And.Contain("${secret:admin/basicAuth.password}")
            .And.Contain("${secret:slack/webhookUrl}").And.Contain("${secret:ops-webhook/headers.Authorization}"));
        Assert.That(yaml, Does.Contain("parentMonitor: web").And.Contain("escalationPolicy: business-hours"));
        Assert.That(yaml, Does.Contain("statusPages:").And.Contain("monitors: [db, web]").And.Contain("public: false"));
        Assert.That(yaml, Does.Contain("slos:").And.Contain("monitor: web").And.Contain("tag: prod").And.Contain("objectivePercent: 99.9"));
    }

    [Test]
    public async Task Export_then_import_into_an_empty_tenant_reproduces_the_configuration_exactly()
    {
        using var source = await SeededTenantAsync();
        var exported = await source.GetStringAsync("/api/v1/export");
        using var target = await NewTenantAsync();
        // A slug and a custom domain are global URLs, so the target could not take the source's page while it exists.
        // Deleting it (rather than renaming the slug in the file) keeps the comparison exact: the very same file.
        var page = await StatusPageAsync(source);
        Assert.That((await source.DeleteAsync($"/api/v1/status-pages/{page.GetProperty("id").GetGuid()}")).StatusCode,
            Is.EqualTo(HttpStatusCode.NoContent));

        // Secrets are not exported: the operator fills them in (e.g. from a secret store) before importing elsewhere.
        var withSecrets = ReferencePattern().Replace(exported, m => m.Groups["field"].Value switch
        {
            "webhookUrl" => $"\"{SlackUrl}\"",
            "bearerToken" => $"\"{BearerToken}\"",
            "basicAuth.password" => $"\"{BasicPassword}\"",
            "headers.Authorization" => $"\"{HeaderValue}\"",
            "secret" => "\"hmac-secret\"",
            var other => throw new AssertionException($"unexpected secret field {other}"),
        });
        var report = await ImportAsync(target, withSecrets);

        Assert.That(report.GetProperty("created").GetArrayLength(), Is.EqualTo(12), report.ToString());
        Assert.That(Names(report, "created"), Does.Contain("slos/web-availability").And.Contain("slos/prod-fleet"));
        Assert.That(Names(report, "created"), Does.Contain($"statusPages/{page.GetProperty("slug").GetString()}"));
        Assert.That(report.GetProperty("updated").GetArrayLength() + report.GetProperty("unchanged").GetArrayLength(), Is.Zero);
        Assert.That(await target.GetStringAsync("/api/v1/export"), Is.EqualTo(exported));
        // The page names the target's own monitors (by their new ids).
        var imported = await StatusPageAsync(target);
        var web = await MonitorAsync(target, "web");
        Assert.That(imported.GetProperty("groups")[0].GetProperty("monitorIds")[0].GetGuid(), Is.EqualTo(web.GetProperty("id").GetGuid()));
    }

    [Test]
    public async Task Importing_a_tenants_own_export_changes_nothing_and_publishes_nothing()
    {
        using var api = await SeededTenantAsync();
        var exported = await api.GetStringAsync("/api/v1/export");
        var before = await Expect.CountsAsync();

        var report = await ImportAsync(api, exported);

        Assert.That(report.GetProperty("unchanged").GetArrayLength(), Is.EqualTo(12), report.ToString());
        Assert.That(Names(report, "unchanged"), Does.Contain($"statusPages/{(await StatusPageAsync(api)).GetProperty("slug").GetString()}"));
        foreach (var list in new[] { "created", "updated", "deleted" })
            Assert.That(report.GetProperty(list).GetArrayLength(), Is.Zero, report.ToString());
        Assert.That(await Expect.CountsAsync(), Is.EqualTo(before), "no version bump, no outbox row");
        Assert.That(await PageVersionsAsync(api), Is.EqualTo(1), "the status page keeps its version");
        Assert.That(await api.GetStringAsync("/api/v1/export"), Is.EqualTo(exported));
    }

    [Test]
    public async Task A_dry_run_reports_what_would_change_and_changes_nothing()
    {
        using var api = await SeededTenantAsync();
        var exported = await api.GetStringAsync("/api/v1/export");
        var changed = exported.Replace("intervalSeconds: 30", "intervalSeconds: 45")
            .Replace("monitors:\n", "monitors:\n- name: new-one\n  type: icmp\n  host: new.test\n");
        Assert.That(changed, Does.Contain("intervalSeconds: 45").And.Contain("new-one"));
        var before = await Expect.CountsAsync();

        var dry = await ImportAsync(api, changed, "?dryRun=true");

        Assert.That(dry.GetProperty("dryRun").GetBoolean(), Is.True);
        Assert.That(Names(dry, "created"), Is.EqualTo(new[] { "monitors/new-one" }));
        Assert.That(Names(dry, "updated"), Is.EqualTo(new[] { "monitors/web" }));
        Assert.That(await Expect.CountsAsync(), Is.EqualTo(before));
        Assert.That(await api.GetStringAsync("/api/v1/export"), Is.EqualTo(exported));

        var real = await ImportAsync(api, changed);

        Assert.That(Names(real, "updated"), Is.EqualTo(new[] { "monitors/web" }));
        var web = await MonitorAsync(api, "web");
        Assert.That(web.GetProperty("intervalSeconds").GetInt32(), Is.EqualTo(45));
        Assert.That(await Expect.OutboxAsync("MonitorUpserted", "monitorId", web.GetProperty("id").GetGuid(), 2), Is.EqualTo(1));
        // The token was a reference: the stored one is kept.
        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.monitors where id = '{web.GetProperty("id").GetGuid()}' and settings->>'bearerToken' = '{BearerToken}'"), Is.EqualTo(1));
    }

    [Test]
    public async Task An_invalid_file_changes_nothing_and_lists_every_error_by_path()
    {
        using var api = await SeededTenantAsync();
        var before = await Expect.CountsAsync();
        const string file = """
            channels:
            - name: pager
              type: carrier-pigeon
              settings: {}
            escalationPolicies:
            - name: p
              levels:
              - afterMinutes: 5
                channels: [nobody]
            monitors:
            - name: fast
              type: http
              url: https://fast.test
              intervalSeconds: 1
            - name: odd
              type: http
              url: https://odd.test
              colour: blue
            - name: lonely
              type: tcp
              host: x.test
              port: 1
              channels: [ops-webhook, missing-channel]
            - name: fast
              type: icmp
              host: y.test
            flavour: vanilla
            """;

        var response = await api.PostAsync("/api/v1/import", Yaml(file));

        var problem = await Expect.ValidationAsync(response,
            "channels[0].type", "escalationPolicies[0].levels[0].channels", "monitors[0].intervalSeconds", "monitors[1].colour",
            "monitors[2].channels", "monitors[3].name", "flavour");
        Assert.That(problem.GetProperty("errors").GetProperty("monitors[2].channels")[0].GetString(), Does.Contain("missing-channel"));
        Assert.That(await Expect.CountsAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_syntax_error_is_rejected_with_line_and_column()
    {
        using var api = await NewTenantAsync();
        var problem = await Expect.ValidationAsync(await api.PostAsync("/api/v1/import", Yaml("monitors:\n- name: a\n  url: [open\n")), "yaml");
        Assert.That(problem.GetProperty("errors").GetProperty("yaml")[0].GetString(), Does.Match("^Line [0-9]+, column [0-9]+: "));
    }

    [Test]
    public async Task Only_prune_deletes_what_the_file_does_not_name()
    {
        using var api = await SeededTenantAsync();
        var slug = (await StatusPageAsync(api)).GetProperty("slug").GetString()!;
        const string file = """
            channels:
            - name: slack
              type: slack
              settings: { webhookUrl: "${secret:slack/webhookUrl}", channel: "#ops" }
            monitors:
            - name: solo
              type: icmp
              host: solo.test
              channels: [slack]
            """;

        var kept = await ImportAsync(api, file);
        Assert.That(Names(kept, "created"), Is.EqualTo(new[] { "monitors/solo" }));
        Assert.That(Names(kept, "unchanged"), Is.EqualTo(new[] { "channels/slack" }));
        Assert.That(Names(kept, "deleted"), Is.Empty);

        var pruned = await ImportAsync(api, file, "?prune=true");

        Assert.That(Names(pruned, "deleted"), Is.EquivalentTo(new[]
        {
            "alertRules/db-flaps", "maintenanceWindows/migration", "maintenanceWindows/nightly", "monitors/admin", "monitors/db",
            "monitors/web", "escalationPolicies/business-hours", "channels/ops-webhook", $"statusPages/{slug}",
            "slos/web-availability", "slos/prod-fleet",
        }));
        var export = await api.GetStringAsync("/api/v1/export");
        Assert.That(export, Does.Contain("name: solo").And.Not.Contain("name: web").And.Not.Contain(slug));
        Assert.That(await Db.CountAsync($"select count(*) from gateway.status_pages where slug = '{slug}'"), Is.Zero);
    }

    [Test]
    public async Task A_changed_channel_needs_its_secret_values_because_Delivery_takes_settings_whole()
    {
        using var api = await SeededTenantAsync();
        var exported = await api.GetStringAsync("/api/v1/export");
        var before = await Expect.CountsAsync();

        var response = await api.PostAsync("/api/v1/import", Yaml(exported.Replace("channel: '#ops'", "channel: '#alerts'").Replace("channel: \"#ops\"", "channel: \"#alerts\"")));

        var problem = await Expect.ValidationAsync(response, "channels[1].settings.webhookUrl");
        Assert.That(problem.ToString(), Does.Contain("give the secret"));
        Assert.That(await Expect.CountsAsync(), Is.EqualTo(before));

        // With the value given, the change goes through and the new settings reach Delivery.
        var report = await ImportAsync(api, exported.Replace("channel: '#ops'", "channel: '#alerts'").Replace("channel: \"#ops\"", "channel: \"#alerts\"")
            .Replace("${secret:slack/webhookUrl}", SlackUrl));
        Assert.That(Names(report, "updated"), Is.EqualTo(new[] { "channels/slack" }));
    }

    [Test]
    public async Task A_status_page_is_matched_by_slug_and_updated_in_place()
    {
        using var api = await SeededTenantAsync();
        var page = await StatusPageAsync(api);
        var exported = await api.GetStringAsync("/api/v1/export");
        var changed = exported.Replace("title: Acme status", "title: Acme live status").Replace("historyDays: 30", "historyDays: 60");
        Assert.That(changed, Does.Contain("Acme live status").And.Contain("historyDays: 60"));

        var report = await ImportAsync(api, changed);

        Assert.That(Names(report, "updated"), Is.EqualTo(new[] { $"statusPages/{page.GetProperty("slug").GetString()}" }));
        Assert.That(Names(report, "created"), Is.Empty);
        var after = await StatusPageAsync(api);
        Assert.That(after.GetProperty("id").GetGuid(), Is.EqualTo(page.GetProperty("id").GetGuid()));
        Assert.That((after.GetProperty("title").GetString(), after.GetProperty("historyDays").GetInt32()), Is.EqualTo(("Acme live status", 60)));
        Assert.That(await api.GetStringAsync("/api/v1/export"), Is.EqualTo(changed));
    }

    [Test]
    public async Task With_prune_a_custom_domain_may_move_from_a_deleted_page_to_a_new_one()
    {
        using var api = await SeededTenantAsync();
        var old = await StatusPageAsync(api);
        var domain = old.GetProperty("customDomain").GetString()!;
        var slug = UniqueSlug("moved");
        var file = $$"""
            statusPages:
            - slug: {{slug}}
              title: Moved
              customDomain: {{domain}}
            """;

        var report = await ImportAsync(api, file, "?prune=true");

        Assert.That(Names(report, "created"), Is.EqualTo(new[] { $"statusPages/{slug}" }));
        Assert.That(Names(report, "deleted"), Does.Contain($"statusPages/{old.GetProperty("slug").GetString()}"));
        var now = await StatusPageAsync(api);
        Assert.That((now.GetProperty("slug").GetString(), now.GetProperty("customDomain").GetString()), Is.EqualTo((slug, domain)));
    }

    [Test]
    public async Task A_slug_or_domain_of_another_tenant_is_a_listed_error_and_nothing_changes()
    {
        using var owner = await SeededTenantAsync();
        var theirs = await StatusPageAsync(owner);
        var slug = theirs.GetProperty("slug").GetString()!;
        var domain = theirs.GetProperty("customDomain").GetString()!;
        using var api = await NewTenantAsync();
        var before = (await Expect.CountsAsync(), await PagesAsync());
        var file = $$"""
            monitors:
            - name: web
              type: icmp
              host: web.test
            statusPages:
            - slug: {{slug}}
              title: Mine
              groups:
              - name: All
                monitors: [web]
            - slug: {{UniqueSlug("mine")}}
              title: Also mine
              customDomain: {{domain.ToUpperInvariant()}}
            """;

        var problem = await Expect.ValidationAsync(await api.PostAsync("/api/v1/import", Yaml(file)),
            "statusPages[0].slug", "statusPages[1].customDomain");

        var errors = problem.GetProperty("errors");
        Assert.That(errors.GetProperty("statusPages[0].slug")[0].GetString(), Does.Contain($"slug '{slug}' is taken"));
        Assert.That(errors.GetProperty("statusPages[1].customDomain")[0].GetString(), Does.Contain(domain));
        Assert.That((await Expect.CountsAsync(), await PagesAsync()), Is.EqualTo(before));
        Assert.That(await api.GetStringAsync("/api/v1/export"), Does.Not.Contain("web"));
        Assert.That((await StatusPageAsync(owner)).GetProperty("title").GetString(), Is.EqualTo("Acme status"));
    }

    [Test]
    public async Task A_status_page_naming_a_monitor_in_neither_the_file_nor_the_tenant_is_a_listed_error()
    {
        using var api = await SeededTenantAsync();
        var before = (await Expect.CountsAsync(), await PagesAsync());
        var file = $$"""
            monitors:
            - name: new-one
              type: icmp
              host: new.test
            statusPages:
            - slug: {{UniqueSlug("ghostly")}}
              title: Ghostly
              groups:
              - name: Mixed
                monitors: [web, new-one, ghost]
            - slug: {{UniqueSlug("long")}}
              title: Too long
              historyDays: 365
            """;

        var problem = await Expect.ValidationAsync(await api.PostAsync("/api/v1/import", Yaml(file)),
            "statusPages[0].groups[0].monitors", "statusPages[1].historyDays");

        var errors = problem.GetProperty("errors");
        Assert.That(errors.GetProperty("statusPages[0].groups[0].monitors").GetArrayLength(), Is.EqualTo(1), problem.ToString());
        Assert.That(errors.GetProperty("statusPages[0].groups[0].monitors")[0].GetString(), Does.Contain("'ghost'"));
        Assert.That((await Expect.CountsAsync(), await PagesAsync()), Is.EqualTo(before));
    }

    [Test]
    public async Task A_read_only_key_may_export_but_not_import()
    {
        using var reader = Client(ReadOnlySecret);
        Assert.That((await reader.GetAsync("/api/v1/export")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Expect.ProblemAsync(await reader.PostAsync("/api/v1/import", Yaml("monitors: []")), HttpStatusCode.Forbidden);
    }

    // ---- helpers ----

    internal static async Task<HttpClient> NewTenantAsync()
    {
        var tenantId = Guid.CreateVersion7();
        var secret = ApiKeySecret.Generate();
        await using (var db = NewCatalog())
        {
            db.Tenants.Add(new Tenant { Id = tenantId, Name = "config-" + tenantId.ToString("N")[..8], CreatedAt = DateTimeOffset.UtcNow });
            db.ApiKeys.Add(new ApiKey
            {
                Id = Guid.CreateVersion7(), TenantId = tenantId, Name = "config", Prefix = ApiKeySecret.PrefixOf(secret),
                KeyHash = ApiKeySecret.Hash(secret), Scope = ApiKeyScopes.ReadWrite, CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        return Client(secret);
    }

    static async Task<Guid> CreateAsync(HttpClient api, string kind, string json)
    {
        var response = await api.PostAsync($"/api/v1/{kind}", Expect.Json(json));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    static async Task<JsonElement> ImportAsync(HttpClient api, string yaml, string query = "")
    {
        var response = await api.PostAsync("/api/v1/import" + query, Yaml(yaml));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text + "\n---\n" + yaml);
        return JsonDocument.Parse(text).RootElement;
    }

    static string[] Names(JsonElement report, string list) =>
        report.GetProperty(list).EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// The tenant's one status page, as the REST API shows it.
    static async Task<JsonElement> StatusPageAsync(HttpClient api) =>
        (await api.GetFromJsonAsync<JsonElement>("/api/v1/status-pages")).GetProperty("items").EnumerateArray().Single();

    static async Task<long> PageVersionsAsync(HttpClient api) =>
        await Db.CountAsync($"select coalesce(sum(version), 0) from gateway.status_pages where id = '{(await StatusPageAsync(api)).GetProperty("id").GetGuid()}'");

    /// Status pages of every tenant, with their versions: Expect.CountsAsync does not cover them.
    static async Task<(long Pages, long Versions)> PagesAsync() => (
        await Db.CountAsync("select count(*) from gateway.status_pages"),
        await Db.CountAsync("select coalesce(sum(version), 0) from gateway.status_pages"));

    static async Task<JsonElement> MonitorAsync(HttpClient api, string name) =>
        (await api.GetFromJsonAsync<JsonElement>("/api/v1/monitors?limit=500")).GetProperty("items").EnumerateArray()
        .Single(m => m.GetProperty("name").GetString() == name);

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex("\"\\$\\{secret:(?<name>[^\"]+)/(?<field>[^/\"]+)\\}\"")]
    private static partial Regex ReferencePattern();
}
