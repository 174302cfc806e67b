using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.Isolation;

/// The OpenAPI document is compared with the app's own endpoint list, so an endpoint added later without showing up
/// in /openapi/v1.json (or without a summary) fails here.
public sealed partial class OpenApiCoverageTests
{
    // Operational endpoints of every service, described in docs/api.md rather than in the API document.
    static readonly string[] Operational = ["/health/", "/metrics", "/openapi/"];

    static List<(string Method, string Route)> Endpoints() =>
        Factory.Services.GetRequiredService<IEnumerable<EndpointDataSource>>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"],
                Route: "/" + Constraint().Replace(e.RoutePattern.RawText!.TrimStart('/'), "{${name}}")))
            .Where(e => !Operational.Any(o => e.Route.StartsWith(o, StringComparison.Ordinal)))
            .SelectMany(e => e.Methods.Select(m => (m.ToUpperInvariant(), e.Route)))
            .Distinct().ToList();

    [Test]
    public async Task Every_endpoint_is_in_the_OpenAPI_document()
    {
        using var anonymous = Client(null);
        var paths = (await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        var missing = Endpoints()
            .Where(e => !paths.TryGetProperty(e.Route, out var path) || !path.TryGetProperty(e.Method.ToLowerInvariant(), out _))
            .Select(e => $"{e.Method} {e.Route}").ToList();

        Assert.That(Endpoints(), Has.Count.GreaterThan(40));
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public async Task Every_api_operation_has_a_summary()
    {
        using var anonymous = Client(null);
        var paths = (await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        var without = new List<string>();
        foreach (var path in paths.EnumerateObject().Where(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal)))
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Name != "parameters"))
                if (!operation.Value.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
                    without.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");

        Assert.That(without, Is.Empty);
    }

    [Test]
    public async Task Summaries_name_what_the_operation_does()
    {
        using var anonymous = Client(null);
        var paths = (await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");
        Assert.That(paths.GetProperty("/api/v1/monitors").GetProperty("post").GetProperty("summary").GetString(), Is.EqualTo("Create monitor"));
        Assert.That(paths.GetProperty("/api/v1/escalation-policies/{id}").GetProperty("put").GetProperty("summary").GetString(),
            Is.EqualTo("Replace escalation policy"));
        Assert.That(paths.GetProperty("/api/v1/import").GetProperty("post").GetProperty("summary").GetString(),
            Is.EqualTo("Import a configuration file (YAML)"));
    }

    [GeneratedRegex(@"\{(?<name>[a-zA-Z]+)(:[^}]*)?\}")]
    private static partial Regex Constraint();
}
