using System.Net;
using static Sentinel.Gateway.Tests.EscalationPolicies.EscalationPolicyEndpointsTests;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.MaintenanceWindows;

public sealed class MaintenanceWindowEndpointsTests
{
    HttpClient api = null!;

    [SetUp]
    public void CreateClient() => api = Client(BootstrapSecret);

    [TearDown]
    public void DisposeClient() => api.Dispose();

    [Test]
    public async Task A_recurring_window_in_an_IANA_time_zone_is_stored_and_published()
    {
        var response = await api.PostAsJsonAsync("/api/v1/maintenance-windows", new
        {
            name = "sunday patching", tags = new[] { "db" }, cron = "0 2 * * 0", durationSeconds = 7200, timeZone = "Europe/Berlin",
        });

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        var window = JsonDocument.Parse(text).RootElement;
        Assert.That(window.GetProperty("kind").GetString(), Is.EqualTo("recurring"));
        var id = window.GetProperty("id").GetGuid();
        Assert.That(await Db.CountAsync(
            $"select count(*) from gateway.outbox where message_type = 'Sentinel.Contracts.MaintenanceWindowUpserted' and body->>'windowId' = '{id}' and body->>'timeZone' = 'Europe/Berlin'"),
            Is.EqualTo(1));
    }

    [Test]
    public async Task A_one_off_window_is_stored_in_UTC()
    {
        var response = await api.PostAsJsonAsync("/api/v1/maintenance-windows", new
        {
            name = "migration", tags = new[] { "db" }, startsAt = "2026-12-01T22:00:00+01:00", endsAt = "2026-12-01T23:30:00+01:00",
        });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var window = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(window.GetProperty("kind").GetString(), Is.EqualTo("one-off"));
        Assert.That(window.GetProperty("startsAt").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 12, 1, 21, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task Bad_windows_are_rejected_and_nothing_is_stored()
    {
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/maintenance-windows",
            new { name = "w", tags = new[] { "db" }, startsAt = "2026-12-01T23:00:00Z", endsAt = "2026-12-01T22:00:00Z" }), "endsAt");
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/maintenance-windows",
            new { name = "w", tags = new[] { "db" }, cron = "every sunday", durationSeconds = 600, timeZone = "Europe/Berlin" }), "cron");
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/maintenance-windows",
            new { name = "w", tags = new[] { "db" }, cron = "0 2 * * 0", durationSeconds = 600, timeZone = "Mars/Olympus" }), "timeZone");
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/maintenance-windows",
            new { name = "w", tags = new[] { "db" }, cron = "0 2 * * 0", timeZone = "UTC" }), "durationSeconds");
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/maintenance-windows",
            new { name = "w", startsAt = "2026-12-01T22:00:00Z", endsAt = "2026-12-01T23:00:00Z" }), "monitorIds");
        await RejectedAsync(() => api.PostAsJsonAsync("/api/v1/maintenance-windows",
            new { name = "w", monitorIds = new[] { Guid.NewGuid() }, startsAt = "2026-12-01T22:00:00Z", endsAt = "2026-12-01T23:00:00Z" }), "monitorIds");
    }
}
