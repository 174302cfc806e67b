using System.Reflection;
using System.Text.RegularExpressions;

namespace Sentinel.Gateway.Api;

/// Every endpoint of the group gets a summary in the OpenAPI document, named after its handler (CreateMonitor.Handle
/// → "Create monitor", EscalationPolicyEndpoints.Replace → "Replace escalation policy"). An endpoint's own
/// WithSummary is added after the group's conventions, so it wins.
public static partial class OpenApiSummaries
{
    public static RouteGroupBuilder WithHandlerSummaries(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault() is { } handler && Summary(handler) is { } summary)
                endpoint.Metadata.Add(new EndpointSummaryAttribute(summary));
        });
        return group;
    }

    public static string? Summary(MethodInfo handler)
    {
        var type = handler.DeclaringType?.Name ?? "";
        if (type.Contains('<') || handler.Name.Contains('<'))
            return null; // a lambda: nothing to name it by
        var words = handler.Name == "Handle" ? type : $"{handler.Name}{type.Replace("Endpoints", "").TrimEnd('s')}";
        var spaced = Words().Replace(words, " $1").Trim().ToLowerInvariant();
        return char.ToUpperInvariant(spaced[0]) + spaced[1..];
    }

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex Words();
}
