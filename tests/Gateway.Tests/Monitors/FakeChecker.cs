using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sentinel.Contracts;
using Sentinel.Testing;

namespace Sentinel.Gateway.Tests.Monitors;

/// Stands in for the Checker's internal API on a loopback port (another service, so an edge of the Gateway): it
/// keeps the due checks it was sent and answers each with a result whose conditions echo the monitor's.
public sealed class FakeChecker : IAsyncDisposable
{
    LoopbackApp app = null!;

    public string Url => app.Url;
    public ConcurrentQueue<DueCheck> Received { get; } = new();

    public static async Task<FakeChecker> StartAsync()
    {
        var fake = new FakeChecker();
        fake.app = await LoopbackApp.StartAsync(app =>
        {
            app.MapPost("/internal/checks", async (HttpRequest request) =>
            {
                var check = (await JsonSerializer.DeserializeAsync<DueCheck>(request.Body, JsonSerializerOptions.Web))!;
                fake.Received.Enqueue(check);
                var conditions = (check.Check?.Conditions ?? []).Select(c => new ConditionResult(c, false, "503")).ToList();
                return Results.Json(new MonitorChecked(
                    check.CheckId, check.MonitorId, check.TenantId, false, 503, 12.5, "HTTP 503 is not in 200-299", check.DueAt,
                    check.DueAt.AddMilliseconds(13), conditions, "checked by the fake"), JsonSerializerOptions.Web);
            });
        });
        return fake;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
