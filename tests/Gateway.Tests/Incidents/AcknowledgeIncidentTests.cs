using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Incidents;

/// The Gateway passes acknowledgements on to Alert-Evaluation (played here by a loopback stand-in, an edge this
/// service does not own) with the id and name of the key that acknowledged.
public sealed class AcknowledgeIncidentTests
{
    static readonly Guid OpenIncident = Guid.CreateVersion7();
    static readonly Guid ResolvedIncident = Guid.CreateVersion7();
    WebApplication alerting = null!;
    WebApplicationFactory<Program> gateway = null!;
    readonly List<(Guid Tenant, Guid Incident, JsonElement Body)> received = [];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        alerting = builder.Build();
        alerting.MapPost("/internal/tenants/{tenantId:guid}/incidents/{id:guid}/acknowledge", (Guid tenantId, Guid id, JsonElement body) =>
        {
            received.Add((tenantId, id, body));
            if (id == ResolvedIncident)
                return Results.Problem(statusCode: 409);
            if (id != OpenIncident)
                return Results.NotFound();
            return Results.Json(new
            {
                id, monitorId = Guid.NewGuid(), monitorName = "api", status = "acknowledged", error = "HTTP 500",
                firstFailureAt = DateTimeOffset.UtcNow, openedAt = DateTimeOffset.UtcNow, resolvedAt = (DateTimeOffset?)null,
                durationSeconds = (long?)null, acknowledgedAt = DateTimeOffset.UtcNow,
                acknowledgedByKeyId = body.GetProperty("apiKeyId").GetGuid(), acknowledgedBy = body.GetProperty("acknowledgedBy").GetString(),
                timeline = new[] { new { at = DateTimeOffset.UtcNow, kind = "acknowledged", detail = "by bootstrap" } },
            });
        });
        await alerting.StartAsync();
        gateway = CreateFactory(alerting.Urls.First());
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await gateway.DisposeAsync();
        await alerting.DisposeAsync();
    }

    [Test]
    public async Task Acknowledge_passes_the_key_that_acknowledged_and_returns_the_incident()
    {
        using var api = Client(gateway, BootstrapSecret);
        var keys = await api.GetFromJsonAsync<JsonElement>("/api/v1/api-keys");

        var response = await api.PostAsync($"/api/v1/incidents/{OpenIncident}/acknowledge", null);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var incident = JsonDocument.Parse(text).RootElement;
        Assert.That(incident.GetProperty("status").GetString(), Is.EqualTo("acknowledged"));
        Assert.That(incident.GetProperty("timeline")[0].GetProperty("kind").GetString(), Is.EqualTo("acknowledged"));
        var call = received.Single(r => r.Incident == OpenIncident);
        var keyId = call.Body.GetProperty("apiKeyId").GetGuid();
        Assert.That(keys.GetProperty("items").EnumerateArray().Select(k => k.GetProperty("id").GetGuid()), Does.Contain(keyId));
        Assert.That(call.Body.GetProperty("acknowledgedBy").GetString(), Is.Not.Empty);
    }

    [Test]
    public async Task Unknown_incidents_are_404_and_resolved_ones_409()
    {
        using var api = Client(gateway, BootstrapSecret);
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/incidents/{Guid.NewGuid()}/acknowledge", null), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/incidents/{ResolvedIncident}/acknowledge", null), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task A_read_only_key_cannot_acknowledge()
    {
        using var api = Client(gateway, ReadOnlySecret);
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/incidents/{OpenIncident}/acknowledge", null), HttpStatusCode.Forbidden);
    }
}
