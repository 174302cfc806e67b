using System.Diagnostics;
using System.Net;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Gateway.Monitors;
using Sentinel.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;
using static Sentinel.Gateway.Tests.Heartbeats.HeartbeatFixture;

namespace Sentinel.Gateway.Tests.Heartbeats;

/// The ping lookup cache lives for minutes (Heartbeats:CacheSeconds 300), so it must be told about changes: an edit
/// through this replica's API reaches the very next ping, and another replica's edit arrives as its MonitorUpserted /
/// MonitorDeleted. The outbox relay sleeps during these tests, so the API cases can only pass by local eviction. A row
/// changed behind the Gateway's back (SQL here) stands for "what the cache would still be hiding".
public sealed class PingCacheTests
{
    static HttpClient Anonymous() => GatewayFactory.CreateClient();

    static Task PatchAsync(Guid id, object body) =>
        ExpectSuccessAsync(ApiClient.PatchAsJsonAsync($"/api/v1/monitors/{id}", body));

    static async Task ExpectSuccessAsync(Task<HttpResponseMessage> request)
    {
        var response = await request;
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    /// Settings written straight to the row: no event, no eviction.
    static Task SetAllowedMethodsBehindTheGatewaysBackAsync(Guid id, string? methods) =>
        Db.ExecuteAsync(methods is null
            ? $"update gateway.monitors set settings = settings - 'allowedMethods' where id = '{id}'"
            : $"update gateway.monitors set settings = jsonb_set(settings, '{{allowedMethods}}', '{methods}') where id = '{id}'");

    static async Task PublishAsync(object message) =>
        await GatewayFactory.Services.GetRequiredService<IBus>().Publish(message);

    static async Task<MonitorResponse> CreateAndPingAsync(HttpClient client)
    {
        var monitor = await CreateHeartbeatAsync();
        Assert.That((await client.GetAsync($"/ping/{TokenOf(monitor)}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return monitor;
    }

    [Test]
    public async Task Editing_keywords_through_the_API_reaches_the_very_next_ping()
    {
        var monitor = await CreateHeartbeatAsync(new { name = "keywords", type = "heartbeat", failureKeywords = new[] { "failed" } });
        using var client = Anonymous();
        Assert.That((await client.PostAsync($"/ping/{TokenOf(monitor)}", new StringContent("backup failed"))).StatusCode,
            Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await PublishedAsync(monitor.Id, p => p.Body == "backup failed")).Kind, Is.EqualTo("fail"));

        await PatchAsync(monitor.Id, new { failureKeywords = new[] { "broken" } });

        Assert.That((await client.PostAsync($"/ping/{TokenOf(monitor)}", new StringContent("backup failed again"))).StatusCode,
            Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await PublishedAsync(monitor.Id, p => p.Body == "backup failed again")).Kind, Is.EqualTo("log"),
            "'failed' is no failure keyword any more, so the body matches no keyword");
    }

    [Test]
    public async Task Editing_allowed_methods_through_the_API_reaches_the_very_next_ping()
    {
        using var client = Anonymous();
        var monitor = await CreateAndPingAsync(client);

        await PatchAsync(monitor.Id, new { allowedMethods = new[] { "post" } });
        Assert.That((await client.GetAsync($"/ping/{TokenOf(monitor)}")).StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));

        await ExpectSuccessAsync(ApiClient.PutAsJsonAsync($"/api/v1/monitors/{monitor.Id}", new { name = "any method", type = "heartbeat" }));
        Assert.That((await client.GetAsync($"/ping/{TokenOf(monitor)}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_deleted_monitors_token_is_unknown_to_the_very_next_ping()
    {
        using var client = Anonymous();
        var monitor = await CreateAndPingAsync(client);

        await ExpectSuccessAsync(ApiClient.DeleteAsync($"/api/v1/monitors/{monitor.Id}"));

        Assert.That((await client.GetAsync($"/ping/{TokenOf(monitor)}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Pausing_and_resuming_through_the_API_drop_the_cached_lookup()
    {
        using var client = Anonymous();
        var monitor = await CreateAndPingAsync(client);
        await SetAllowedMethodsBehindTheGatewaysBackAsync(monitor.Id, """["POST"]""");
        Assert.That((await client.GetAsync($"/ping/{TokenOf(monitor)}")).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "the cached lookup still answers");

        await ExpectSuccessAsync(ApiClient.PostAsync($"/api/v1/monitors/{monitor.Id}/pause", null));
        Assert.That((await client.GetAsync($"/ping/{TokenOf(monitor)}")).StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));

        await SetAllowedMethodsBehindTheGatewaysBackAsync(monitor.Id, null);
        await ExpectSuccessAsync(ApiClient.PostAsync($"/api/v1/monitors/{monitor.Id}/resume", null));
        Assert.That((await client.GetAsync($"/ping/{TokenOf(monitor)}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_slug_pinged_while_unknown_works_right_after_the_monitor_is_created()
    {
        var pingKey = (await ApiClient.GetFromJsonAsync<JsonElement>("/api/v1/ping-key")).GetProperty("pingKey").GetString()!;
        var slug = $"nightly-{Guid.NewGuid():N}"[..24];
        using var client = Anonymous();
        Assert.That((await client.GetAsync($"/ping/{pingKey}/{slug}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var monitor = await CreateHeartbeatAsync(new { name = slug, type = "heartbeat", slug });

        Assert.That((await client.GetAsync($"/ping/{pingKey}/{slug}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await PublishedAsync(monitor.Id);
    }

    [Test]
    public async Task Another_replicas_MonitorDeleted_evicts_the_token()
    {
        using var client = Anonymous();
        var monitor = await CreateAndPingAsync(client);
        Contracts.MonitorDeleted deleted;
        await using (var catalog = NewCatalog())
            deleted = (await catalog.Monitors.AsNoTracking().SingleAsync(m => m.Id == monitor.Id)).ToDeleted(DateTimeOffset.UtcNow);
        await Db.ExecuteAsync($"delete from gateway.monitors where id = '{monitor.Id}'");
        Assert.That((await client.GetAsync($"/ping/{TokenOf(monitor)}")).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "the cached lookup still answers");

        await PublishAsync(deleted);

        await UntilAsync(client, $"/ping/{TokenOf(monitor)}", HttpStatusCode.NotFound, "the deleted monitor's token to be unknown");
    }

    [Test]
    public async Task Another_replicas_MonitorUpserted_evicts_the_edited_monitor()
    {
        using var client = Anonymous();
        var monitor = await CreateAndPingAsync(client);
        await SetAllowedMethodsBehindTheGatewaysBackAsync(monitor.Id, """["POST"]""");
        Assert.That((await client.GetAsync($"/ping/{TokenOf(monitor)}")).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "the cached lookup still answers");

        await PublishAsync(await UpsertedAsync(monitor.Id));

        await UntilAsync(client, $"/ping/{TokenOf(monitor)}", HttpStatusCode.MethodNotAllowed, "the edit to reach pings");
    }

    [Test]
    public async Task Another_replicas_MonitorUpserted_ends_an_unknown_tokens_negative_entry()
    {
        using var client = Anonymous();
        var monitor = await CreateHeartbeatAsync();
        var token = Gateway.Heartbeats.PingTokens.New();
        Assert.That((await client.GetAsync($"/ping/{token}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        // The other replica's monitor took this token (standing in for a create there).
        await Db.ExecuteAsync($"update gateway.monitors set ping_token = '{token}' where id = '{monitor.Id}'");

        await PublishAsync(await UpsertedAsync(monitor.Id));

        await UntilAsync(client, $"/ping/{token}", HttpStatusCode.OK, "the new token to be known");
    }

    static async Task<Contracts.MonitorUpserted> UpsertedAsync(Guid id)
    {
        await using var catalog = NewCatalog();
        var row = await catalog.Monitors.AsNoTracking().SingleAsync(m => m.Id == id);
        return row.ToUpserted(DateTimeOffset.UtcNow);
    }

    /// Polls the ping URL until it answers with the status; the event's way through RabbitMQ takes milliseconds.
    static async Task UntilAsync(HttpClient client, string url, HttpStatusCode status, string what)
    {
        var watch = Stopwatch.StartNew();
        await Poll.UntilAsync(() => client.GetAsync(url), r => r.StatusCode == status, TimeSpan.FromSeconds(10), what);
        TestContext.Out.WriteLine($"{what}: {watch.ElapsedMilliseconds} ms");
    }
}
