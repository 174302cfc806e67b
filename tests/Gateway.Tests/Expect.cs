using System.Net;
using System.Text;

namespace Sentinel.Gateway.Tests;

/// Shared assertions: problem+json shape, and "nothing was stored" as unchanged row counts.
public static class Expect
{
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? type = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status), text);
        Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty, text);
        if (type is not null)
            Assert.That(problem.GetProperty("type").GetString(), Is.EqualTo(type), text);
        return problem;
    }

    public static async Task<JsonElement> ValidationAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "https://sentinel.dev/problems/validation");
        var errors = problem.GetProperty("errors");
        foreach (var field in fields)
            Assert.That(errors.TryGetProperty(field, out var messages) && messages.GetArrayLength() > 0, Is.True,
                $"errors[{field}] missing in {problem}");
        return problem;
    }

    public static async Task<JsonElement> MalformedAsync(HttpResponseMessage response, string detailContains)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "https://sentinel.dev/problems/malformed-request");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(detailContains));
        return problem;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public sealed record Counts(long Tenants, long ApiKeys, long Monitors, long Channels, long Outbox, long Idempotency, long MonitorVersions, long ChannelVersions);

    public static async Task<Counts> CountsAsync()
    {
        var db = GatewayFixture.Db;
        return new Counts(
            await db.CountAsync("select count(*) from gateway.tenants"),
            await db.CountAsync("select count(*) from gateway.api_keys where revoked_at is null"),
            await db.CountAsync("select count(*) from gateway.monitors"),
            await db.CountAsync("select count(*) from gateway.channels"),
            await db.CountAsync("select count(*) from gateway.outbox"),
            await db.CountAsync("select count(*) from gateway.idempotency_keys"),
            await db.CountAsync("select coalesce(sum(version), 0) from gateway.monitors"),
            await db.CountAsync("select coalesce(sum(version), 0) from gateway.channels"));
    }

    /// Runs a rejected request and checks that it stored nothing and published nothing.
    public static async Task<HttpResponseMessage> NothingStoredAsync(Func<Task<HttpResponseMessage>> request)
    {
        var before = await CountsAsync();
        var response = await request();
        Assert.That(await CountsAsync(), Is.EqualTo(before), "a rejected request changed stored data");
        return response;
    }

    public static Task<long> OutboxAsync(string type, string idField, Guid id, long version) =>
        GatewayFixture.Db.CountAsync(
            $"select count(*) from gateway.outbox where message_type = 'Sentinel.Contracts.{type}' " +
            $"and body->>'{idField}' = '{id}' and (body->>'version')::bigint = {version}");
}
